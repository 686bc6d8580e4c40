type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** Create an element: `h('button', { type: 'button', onclick: ... }, 'Start')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

let uid = 0;
/** A unique element id with a readable prefix. */
export function newId(prefix: string): string {
  return `${prefix}-${++uid}`;
}

/** A labelled form control: `<div class="field"><label for=..>..</label>control<small>hint</small></div>`. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  control.id ||= newId('f');
  const children: Child[] = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    children.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, ...children);
}

export function select(
  options: [string, string][],
  value: string,
  attrs: Attrs = {},
): HTMLSelectElement {
  const el = h('select', attrs);
  for (const [v, text] of options) {
    const opt = h('option', { value: v }, text);
    if (v === value) opt.selected = true;
    el.append(opt);
  }
  return el;
}

export function numberInput(value: number, attrs: Attrs = {}): HTMLInputElement {
  const el = h('input', { type: 'number', inputmode: 'decimal', ...attrs });
  el.value = String(value);
  return el;
}

/** A message box for errors (role=alert, so screen readers announce it). */
export function errorBox(): { el: HTMLDivElement; show(message: string): void; clear(): void } {
  const el = h('div', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(message) {
      el.textContent = message;
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run `work` for the latest request only: a call while one runs is remembered (the last one
 * wins) and run when it ends, so the last value asked for is always the one drawn and none is
 * dropped, without queueing every intermediate one.
 */
export function latestOnly<A extends unknown[]>(
  work: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  let running: Promise<void> | undefined;
  let pending: A | undefined;
  let waiters: (() => void)[] = [];
  const run = async (args: A): Promise<void> => {
    try {
      await work(...args);
    } finally {
      if (pending !== undefined) {
        const next = pending;
        pending = undefined;
        running = run(next);
      } else {
        running = undefined;
        const done = waiters;
        waiters = [];
        for (const w of done) w();
      }
    }
  };
  return (...args: A) => {
    if (running !== undefined) {
      pending = args;
      return new Promise<void>((resolve) => waiters.push(resolve));
    }
    running = run(args);
    return new Promise<void>((resolve) => waiters.push(resolve));
  };
}

/** Enter in a text or number field of `container` runs `action` (forms without a submit button). */
export function enterRuns(
  container: HTMLElement,
  action: (target: HTMLInputElement) => void,
): void {
  container.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key !== 'Enter' || !(t instanceof HTMLInputElement)) return;
    if (t.type === 'checkbox' || t.type === 'radio' || t.type === 'file') return;
    e.preventDefault();
    action(t);
  });
}
