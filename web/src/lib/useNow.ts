import { useEffect, useState } from 'react';

/** The current time (ms), refreshed every `everyMs` (what is "next" changes while a page stays open). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
