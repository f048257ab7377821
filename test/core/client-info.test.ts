// Who made a request, as the logins list and the security history record it.
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { clientInfo, NO_CLIENT, USER_AGENT_MAX_LENGTH } from '../../src/core/client-info.js';

function request(ip: string, userAgent?: string | string[]): FastifyRequest {
  return { ip, headers: userAgent === undefined ? {} : { 'user-agent': userAgent } } as unknown as FastifyRequest;
}

describe('clientInfo', () => {
  it('takes the address and the user agent', () => {
    expect(clientInfo(request('203.0.113.7', 'Mozilla/5.0 (X11)'))).toEqual({ ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (X11)' });
  });

  it('gives null for a missing or empty address and user agent', () => {
    expect(clientInfo(request('', undefined))).toEqual({ ip: null, user_agent: null });
    expect(clientInfo(request('::1', ''))).toEqual({ ip: '::1', user_agent: null });
  });

  it('ignores a user agent that is not one string', () => {
    expect(clientInfo(request('::1', ['a', 'b'])).user_agent).toBeNull();
  });

  it('cuts a long user agent to USER_AGENT_MAX_LENGTH characters, keeping its start', () => {
    expect(USER_AGENT_MAX_LENGTH).toBe(512);
    const long = `Agent/${'x'.repeat(1000)}`;
    expect(clientInfo(request('::1', long)).user_agent).toBe(long.slice(0, 512));
    const exact = 'y'.repeat(512);
    expect(clientInfo(request('::1', exact)).user_agent).toBe(exact);
  });

  it('NO_CLIENT records nothing', () => {
    expect(NO_CLIENT).toEqual({ ip: null, user_agent: null });
  });
});
