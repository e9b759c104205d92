import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'warning' | 'error';
  text: string;
}

interface Toasts {
  push(kind: Toast['kind'], text: string): void;
}

const ToastContext = createContext<Toasts>({ push: () => {} });
let nextId = 1;

/** Toasts for background events (job finished, budget warning); announced politely to screen readers. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast['kind'], text: string) => {
      const id = nextId++;
      setItems((xs) => [...xs.slice(-4), { id, kind, text }]);
      setTimeout(() => dismiss(id), 6_000);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ push }), [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast ${t.kind}`}>
            <span>{t.text}</span>
            <button type="button" className="ghost small" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Push a toast from anywhere under ToastProvider. */
export function useToasts(): Toasts {
  return useContext(ToastContext);
}
