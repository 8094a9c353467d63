import { useEffect, useState } from 'react';

/** A once-per-second tick for the clock and outage timers. */
export function useNow(now: () => Date): Date {
  const [t, setT] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setT(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  return t;
}
