import { FakeMy } from './fake-my';
import type { FakeMyOptions } from './fake-my';

/**
 * For util tests: puts a fresh fake `my` on globalThis (utils read it at call time) and
 * returns it with a function that takes it away again.
 */
export function installFakeMy(options: FakeMyOptions = {}): { fake: FakeMy; uninstall: () => void } {
  const target = globalThis as unknown as Record<string, unknown>;
  const previous = target.my;
  const fake = new FakeMy(options);
  target.my = fake.my;
  return {
    fake,
    uninstall: () => {
      if (previous === undefined) delete target.my;
      else target.my = previous;
    },
  };
}
