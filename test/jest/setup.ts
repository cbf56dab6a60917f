// Integration suites boot the whole app on real services; the default 5 s is too tight on 2 cores.
jest.setTimeout(60_000);
