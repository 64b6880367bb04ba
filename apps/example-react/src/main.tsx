/**
 * <tencent-captcha> in React 19: React 19 supports custom elements natively — props become properties
 * or attributes, and an `on<event>` prop (`onverified`, lower case like the event) becomes an
 * `addEventListener('<event>')`. The form submits the element's fields like any input's.
 */
import { StrictMode, useRef, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
// Registers <tencent-captcha> (the package's only side effect).
import '@tencent-captcha/element/define';
import type { TencentCaptchaElement } from '@tencent-captcha/element';
import { exampleConfig } from './config';
import './styles.css';

const { sdk, appId } = exampleConfig(location.search);

interface LogEntry {
  id: number;
  name: string;
  text: string;
}

let nextId = 0;

function App() {
  const captcha = useRef<TencentCaptchaElement>(null);
  const [events, setEvents] = useState<LogEntry[]>([]);
  const [submitted, setSubmitted] = useState<[string, string][] | null>(null);
  const log = (name: string, text: string) => setEvents((list) => [{ id: nextId++, name, text }, ...list]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    // Shows what the form would send; a real app posts it to a server guarded by an adapter.
    event.preventDefault();
    setSubmitted([...new FormData(event.currentTarget)].map(([name, value]) => [name, String(value)]));
    captcha.current?.reset();
  }

  return (
    <main>
      <h1>tencent-captcha × React 19</h1>
      <p className="lede">
        React 19 passes the element's attributes through and listens to its events with <code>onverified</code>,{' '}
        <code>onfallback</code> and <code>onclosed</code> props.
      </p>
      <form id="form" onSubmit={onSubmit}>
        <label htmlFor="username">User name</label>
        <input id="username" name="username" defaultValue="alice" required />
        <tencent-captcha
          ref={captcha}
          app-id={appId}
          src={sdk}
          required
          onverified={(e) => log('verified', `ticket ${e.detail.ticket.slice(0, 24)}…`)}
          onfallback={(e) => log('fallback', `errorCode ${e.detail.errorCode}: ${e.detail.ticket}`)}
          onclosed={() => log('closed', 'the challenge was closed')}
        />
        <button id="submit" type="submit">
          Send
        </button>
      </form>

      <h2>Events</h2>
      <ol id="events" aria-live="polite">
        {events.map((entry) => (
          <li key={entry.id} data-event={entry.name}>
            <strong>{entry.name}</strong> {entry.text}
          </li>
        ))}
      </ol>

      <h2>Submitted fields</h2>
      {submitted === null ? (
        <p id="nothing">Nothing submitted yet.</p>
      ) : (
        <dl id="submitted">
          {submitted.map(([name, value]) => (
            <div key={name} style={{ display: 'contents' }}>
              <dt>{name}</dt>
              <dd data-field={name}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
