import type { LoggerService } from '@nestjs/common';
import { bootLinesAtDebug } from './boot-lines-at-debug.logger';

function recordingLogger(): { logger: LoggerService; lines: Array<[string, unknown[]]> } {
  const lines: Array<[string, unknown[]]> = [];
  const record = (level: string) => (...args: unknown[]) => void lines.push([level, args]);
  return {
    lines,
    logger: { log: record('info'), error: record('error'), warn: record('warn'), debug: record('debug'), verbose: record('verbose') },
  };
}

describe('bootLinesAtDebug', () => {
  it("logs Nest's module and route lines at debug", () => {
    const { logger, lines } = recordingLogger();
    const wrapped = bootLinesAtDebug(logger);
    wrapped.log('TenancyModule dependencies initialized', 'InstanceLoader');
    wrapped.log('Mapped {/v1/messages, POST} route', 'RouterExplorer');
    wrapped.log('MessagesController {/v1/messages}:', 'RoutesResolver');
    expect(lines.map(([level]) => level)).toEqual(['debug', 'debug', 'debug']);
    expect(lines[1]).toEqual(['debug', ['Mapped {/v1/messages, POST} route', 'RouterExplorer']]);
  });

  it("keeps the app's own lines and every warning and error at their level", () => {
    const { logger, lines } = recordingLogger();
    const wrapped = bootLinesAtDebug(logger);
    wrapped.log('send worker started', 'SendWorker');
    wrapped.log('no context at all');
    wrapped.warn('slow route', 'RouterExplorer');
    wrapped.error('boom', 'stack', 'InstanceLoader');
    expect(lines.map(([level]) => level)).toEqual(['info', 'info', 'warn', 'error']);
  });
});
