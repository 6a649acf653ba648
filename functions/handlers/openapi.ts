import { httpHandler } from '../http/handler.ts';
import { openApiDocument } from '../http/openapi.ts';

const document = openApiDocument();

export const handler = httpHandler('openapi', {
  getOpenApi: async () => ({ status: 200, body: document }),
});
