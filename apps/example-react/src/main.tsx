/**
 * <tencent-captcha> in React 19: React 19 supports custom elements natively — props become properties
 * or attributes, an `on<event>` prop (`onverified`, lower case like the event) becomes an
 * `addEventListener('<event>')`, and `onChange` / `onInput` hear the element's `change` / `input`
 * (fired whenever its `value`, the ticket, changes). The form uses a React 19 form action: the
 * `FormData` it receives carries the element's ticket and randstr (the element is form-associated), the
 * server answers core's verdict, and after a refusal the app asks for a fresh challenge (`refresh()`).
 * React resets the form after the action, and with it the element.
 */
import { StrictMode, useActionState, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
// Registers <tencent-captcha> (the package's only side effect).
import '@tencent-captcha/element/define';
import type { TencentCaptchaElement } from '@tencent-captcha/element';
import { exampleConfig, postLogin, type LoginAnswer } from './config';
import './styles.css';

const { sdk, appId, api } = exampleConfig(location.search);

interface LogEntry {
  id: number;
  name: string;
  text: string;
}

let nextId = 0;

function App() {
  const captcha = useRef<TencentCaptchaElement>(null);
  const [ticket, setTicket] = useState('');
  const [events, setEvents] = useState<LogEntry[]>([]);
  const log = (name: string, text: string) => setEvents((list) => [{ id: nextId++, name, text }, ...list]);
  const [answer, formAction, pending] = useActionState<LoginAnswer | null, FormData>((_previous, formData) => postLogin(api, formData), null);

  // After a refusal, a fresh challenge — in an effect, so after React's own form reset.
  useEffect(() => {
    if (answer && !answer.accepted) void captcha.current?.refresh();
  }, [answer]);

  return (
    <main>
      <h1>tencent-captcha × React 19</h1>
      <p className="lede">
        A React 19 form action posts the element's fields; <code>onChange</code> tracks its ticket; its events arrive through{' '}
        <code>onverified</code>, <code>onfallback</code> and <code>onclosed</code> props.
      </p>
      <form id="form" action={formAction}>
        <label htmlFor="username">User name</label>
        <input id="username" name="username" defaultValue="alice" required />
        <tencent-captcha
          ref={captcha}
          app-id={appId}
          src={sdk}
          required
          onChange={(e) => setTicket(e.currentTarget.value)}
          onverified={(e) => log('verified', `ticket ${e.detail.ticket.slice(0, 24)}…`)}
          onfallback={(e) => log('fallback', `errorCode ${e.detail.errorCode}: ${e.detail.ticket}`)}
          onclosed={() => log('closed', 'the challenge was closed')}
        />
        <button id="submit" type="submit" disabled={!ticket || pending}>
          Send
        </button>
      </form>
      <p>
        Ticket: <output id="value">{ticket}</output>
      </p>

      <h2>Events</h2>
      <ol id="events" aria-live="polite">
        {events.map((entry) => (
          <li key={entry.id} data-event={entry.name}>
            <strong>{entry.name}</strong> {entry.text}
          </li>
        ))}
      </ol>

      <h2>Server verdict</h2>
      {answer === null ? (
        <p id="nothing">Nothing submitted yet.</p>
      ) : (
        <>
          <p id="verdict" data-status={answer.status} aria-live="polite">
            {answer.status} ({answer.reason})
          </p>
          <dl id="submitted">
            {Object.entries(answer.fields).map(([name, value]) => (
              <div key={name} style={{ display: 'contents' }}>
                <dt>{name}</dt>
                <dd data-field={name}>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
