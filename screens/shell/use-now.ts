import { useEffect, useState } from 'react';

/**
 * The clock and outage timers. Each tick redraws the whole screen, so it ticks every second
 * only while an outage timer is on screen, and once a minute otherwise (idle CPU matters
 * on a laptop left open through a game-day).
 */
export function useNow(now: () => Date, everySecond: boolean): Date {
  const [t, setT] = useState(now);
  useEffect(() => {
    setT(now());
    const period = everySecond ? 1000 : 60_000;
    // Align to the boundary so the minute display changes on time.
    let timer = setTimeout(function tick() {
      setT(now());
      timer = setTimeout(tick, period - (now().getTime() % period));
    }, period - (now().getTime() % period));
    return () => clearTimeout(timer);
  }, [now, everySecond]);
  return t;
}
