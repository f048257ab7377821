// Who made a request, as the logins list and the security history show it. The user agent is the client's own
// words: kept short so a client cannot grow rows at will.
import type { FastifyRequest } from 'fastify';

export interface ClientInfo {
  ip: string | null;
  user_agent: string | null;
}

export const USER_AGENT_MAX_LENGTH = 512;

export function clientInfo(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip || null,
    user_agent: typeof agent === 'string' && agent !== '' ? agent.slice(0, USER_AGENT_MAX_LENGTH) : null,
  };
}

export const NO_CLIENT: ClientInfo = { ip: null, user_agent: null };
