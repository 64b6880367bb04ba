// Minimal stand-in for @types/react 19's shape (namespace React with JSX inside, export =).
export = React;
export as namespace React;
declare namespace React {
  interface DOMAttributes<T> { onClick?: (event: unknown) => void; onChange?: (event: { currentTarget: EventTarget & T }) => void; onInput?: (event: { currentTarget: EventTarget & T }) => void; children?: unknown }
  interface HTMLAttributes<T> extends DOMAttributes<T> { className?: string; id?: string; lang?: string; slot?: string; nonce?: string }
  interface ClassAttributes<T> { ref?: unknown; key?: string | number }
  type DetailedHTMLProps<E, T> = ClassAttributes<T> & E;
  function createElement(type: unknown, props?: unknown, ...children: unknown[]): JSX.Element;
  namespace JSX {
    interface Element {}
    interface IntrinsicElements { div: DetailedHTMLProps<HTMLAttributes<HTMLDivElement>, HTMLDivElement> }
  }
}
