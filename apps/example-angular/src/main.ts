/**
 * <tencent-captcha> in Angular 21: a standalone component with `CUSTOM_ELEMENTS_SCHEMA` and a reactive
 * form. The element is a form control to Angular through `formControlName` + `ngDefaultControl` (the
 * built-in DefaultValueAccessor reads its `value`, the ticket, on `input`, and writes `''` to reset
 * it), so `Validators.required` keeps the form invalid until a ticket (real or disaster) is in. Its
 * own events are bound with `(verified)`, `(fallback)`, `(closed)`. The form posts its fields to the
 * server, which answers core's verdict; after a refusal the element asks for a fresh challenge
 * (`refresh()`).
 *
 * Typed events: under `strictTemplates` (`strictDomEventTypes`) Angular's template type-checker takes
 * `$event`'s type from `HTMLElementEventMap`, which the package augments, so the handlers below take
 * `TencentCaptchaVerifiedEvent` etc. without a cast. (This example compiles its templates in JIT,
 * where templates are not type-checked at all.)
 *
 * Built with Vite in JIT mode (the template is compiled in the browser by `@angular/compiler`): the
 * lightest build that works on Node 20 and TypeScript 6 (the Angular CLI's builder wants TS < 6).
 * No constructor injection (so no decorator metadata), signal state, zoneless change detection; the
 * element is reached through a template reference rather than `viewChild()`, which JIT does not see.
 */
import '@angular/compiler';
import { CUSTOM_ELEMENTS_SCHEMA, Component, enableProdMode, provideZonelessChangeDetection, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { bootstrapApplication } from '@angular/platform-browser';
// Registers <tencent-captcha> (the package's only side effect).
import '@tencent-captcha/element/define';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaElement,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
} from '@tencent-captcha/element';
import { exampleConfig, postLogin, type LoginAnswer } from './config';
import './styles.css';

interface LogEntry {
  id: number;
  name: string;
  text: string;
}

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  imports: [ReactiveFormsModule],
  template: `
    <main>
      <h1>tencent-captcha × Angular 21</h1>
      <p class="lede">A reactive form binds the element with <code>formControlName</code> and <code>ngDefaultControl</code>; <code>Validators.required</code> holds the form until verified. The element's events arrive with <code>(verified)</code>, <code>(fallback)</code> and <code>(closed)</code>.</p>
      <form id="form" [formGroup]="form" (ngSubmit)="onSubmit(formElement, captcha)" #formElement>
        <label for="username">User name</label>
        <input id="username" name="username" formControlName="username" />
        <tencent-captcha
          #captcha
          formControlName="captcha"
          ngDefaultControl
          [attr.app-id]="appId"
          [src]="sdk"
          required
          (verified)="onVerified($event)"
          (fallback)="onFallback($event)"
          (closed)="onClosed($event)"
        ></tencent-captcha>
        <button id="submit" type="submit" [disabled]="form.invalid">Send</button>
      </form>
      <p>Form control: <output id="value">{{ form.controls.captcha.value }}</output> <span id="validity">{{ form.controls.captcha.valid ? 'valid' : 'invalid' }}</span></p>

      <h2>Events</h2>
      <ol id="events" aria-live="polite">
        @for (entry of events(); track entry.id) {
          <li [attr.data-event]="entry.name"><strong>{{ entry.name }}</strong> {{ entry.text }}</li>
        }
      </ol>

      <h2>Server verdict</h2>
      @if (answer(); as answer) {
        <p id="verdict" [attr.data-status]="answer.status" aria-live="polite">{{ answer.status }} ({{ answer.reason }})</p>
        <dl id="submitted">
          @for (field of fieldsOf(answer); track field[0]) {
            <dt>{{ field[0] }}</dt>
            <dd [attr.data-field]="field[0]">{{ field[1] }}</dd>
          }
        </dl>
      } @else {
        <p id="nothing">Nothing submitted yet.</p>
      }
    </main>
  `,
})
class AppComponent {
  readonly sdk = exampleConfig(location.search).sdk;
  readonly appId = exampleConfig(location.search).appId;
  readonly api = exampleConfig(location.search).api;
  readonly form = new FormGroup({
    username: new FormControl('alice', { nonNullable: true, validators: Validators.required }),
    // The ticket: '' until verified or fallen back (then Validators.required is satisfied).
    captcha: new FormControl('', { nonNullable: true, validators: Validators.required }),
  });
  readonly events = signal<LogEntry[]>([]);
  readonly answer = signal<LoginAnswer | null>(null);
  #next = 0;

  #log(name: string, text: string): void {
    this.events.update((list) => [{ id: this.#next++, name, text }, ...list]);
  }

  fieldsOf(answer: LoginAnswer): [string, string][] {
    return Object.entries(answer.fields);
  }

  onVerified(event: TencentCaptchaVerifiedEvent): void {
    this.#log('verified', `ticket ${event.detail.ticket.slice(0, 24)}…`);
  }

  onFallback({ detail }: TencentCaptchaFallbackEvent): void {
    this.#log('fallback', `errorCode ${detail.errorCode}: ${detail.ticket}`);
  }

  onClosed(_event: TencentCaptchaClosedEvent): void {
    this.#log('closed', 'the challenge was closed');
  }

  /** The native form's fields include the element's ticket and randstr (it is form-associated). */
  async onSubmit(formElement: HTMLFormElement, captcha: TencentCaptchaElement): Promise<void> {
    const answer = await postLogin(this.api, new FormData(formElement));
    this.answer.set(answer);
    // Refused: a fresh challenge at once (the control goes back to '' and invalid). Accepted: reset the
    // control, which writes '' to the element and so resets it.
    if (!answer.accepted) await captcha.refresh();
    else this.form.controls.captcha.reset();
  }
}

if (import.meta.env.PROD) enableProdMode();

bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => console.error(error));
