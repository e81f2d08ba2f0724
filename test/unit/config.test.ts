import { ConfigError, loadConfig } from '../../lib/config';

describe('configuration', () => {
  it('when nothing is set, then the contract defaults apply and the result is frozen', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/ja-config-test' });
    expect(c.port).toBe(3000);
    expect(c.taskQueue).toBe('joint-approval');
    expect(c.demoSeed).toBe(false);
    expect(c.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
    // The generated signing key is kept and reused.
    expect(loadConfig({ DATA_DIR: '/tmp/ja-config-test' }).jwtSecret).toBe(c.jwtSecret);
  });

  it('when a value is invalid, then the error names the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ WORKDAY_SECONDS: '-1', DATA_DIR: '/tmp/ja-config-test' })).toThrow(/WORKDAY_SECONDS/);
  });

  it('when PROJECT_TARGET_WORKDAYS is unset, then projects aim at the national 120 working days; a city may set 90', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/ja-config-test' }).projectTargetWorkdays).toBe(120);
    expect(loadConfig({ DATA_DIR: '/tmp/ja-config-test', PROJECT_TARGET_WORKDAYS: '90' }).projectTargetWorkdays).toBe(
      90,
    );
    expect(() => loadConfig({ DATA_DIR: '/tmp/ja-config-test', PROJECT_TARGET_WORKDAYS: '0' })).toThrow(
      /PROJECT_TARGET_WORKDAYS/,
    );
  });
});
