/**
 * <tencent-captcha> in Angular 21: a standalone component with `CUSTOM_ELEMENTS_SCHEMA`, attributes
 * bound with `[attr.…]`/`[prop]`, the element's events with `(verified)`, `(fallback)`, `(closed)`, and
 * the form submitting the element's fields like any input's.
 *
 * Built with Vite in JIT mode (the template is compiled in the browser by `@angular/compiler`): the
 * lightest build that works on Node 20 and TypeScript 6 (the Angular CLI's builder wants TS < 6).
 * No constructor injection (so no decorator metadata), signal state, zoneless change detection; the
 * element is reached through a template reference rather than `viewChild()`, which JIT does not see.
 */
import '@angular/compiler';
import { CUSTOM_ELEMENTS_SCHEMA, Component, enableProdMode, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
// Registers <tencent-captcha> (the package's only side effect).
import '@tencent-captcha/element/define';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaElement,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
} from '@tencent-captcha/element';
import { exampleConfig } from './config';
import './styles.css';

interface LogEntry {
  id: number;
  name: string;
  text: string;
}

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>tencent-captcha × Angular 21</h1>
      <p class="lede">A standalone component with <code>CUSTOM_ELEMENTS_SCHEMA</code> listens to the element's events with <code>(verified)</code>, <code>(fallback)</code> and <code>(closed)</code>.</p>
      <form id="form" (submit)="onSubmit($event, captcha)">
        <label for="username">User name</label>
        <input id="username" name="username" value="alice" required />
        <tencent-captcha
          #captcha
          [attr.app-id]="appId"
          [src]="sdk"
          required
          (verified)="onVerified($event)"
          (fallback)="onFallback($event)"
          (closed)="onClosed($event)"
        ></tencent-captcha>
        <button id="submit" type="submit">Send</button>
      </form>

      <h2>Events</h2>
      <ol id="events" aria-live="polite">
        @for (entry of events(); track entry.id) {
          <li [attr.data-event]="entry.name"><strong>{{ entry.name }}</strong> {{ entry.text }}</li>
        }
      </ol>

      <h2>Submitted fields</h2>
      @if (submitted(); as fields) {
        <dl id="submitted">
          @for (field of fields; track field[0]) {
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
  readonly events = signal<LogEntry[]>([]);
  readonly submitted = signal<[string, string][] | null>(null);
  #next = 0;

  #log(name: string, text: string): void {
    this.events.update((list) => [{ id: this.#next++, name, text }, ...list]);
  }

  onVerified(event: Event): void {
    this.#log('verified', `ticket ${(event as TencentCaptchaVerifiedEvent).detail.ticket.slice(0, 24)}…`);
  }

  onFallback(event: Event): void {
    const { detail } = event as TencentCaptchaFallbackEvent;
    this.#log('fallback', `errorCode ${detail.errorCode}: ${detail.ticket}`);
  }

  onClosed(_event: Event): void {
    void (_event as TencentCaptchaClosedEvent);
    this.#log('closed', 'the challenge was closed');
  }

  /** `captcha` is the `#captcha` template reference: the element itself (JIT has no signal queries). */
  onSubmit(event: SubmitEvent, captcha: TencentCaptchaElement): void {
    // Shows what the form would send; a real app posts it to a server guarded by an adapter.
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    this.submitted.set([...new FormData(form)].map(([name, value]) => [name, String(value)]));
    captcha.reset();
  }
}

if (import.meta.env.PROD) enableProdMode();

bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => console.error(error));
