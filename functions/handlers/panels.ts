import { httpHandler } from '../http/handler.ts';
import { panelsRoutes } from '../http/routes/panels.ts';
import { provisionerOnFirstUse } from '../adapters/provisioner-on-first-use.ts';
import { createPanel, decommissionPanel, getPanel, listPanels } from '../domain/panels.ts';
import { getCommand, requestUnlock } from '../domain/commands.ts';
import { rotatePanelKeys } from '../domain/key-rotation.ts';

const provisioner = provisionerOnFirstUse();

export const handler = httpHandler('panels', panelsRoutes, {
  createPanel: async ({ stores, caller, params, body }) => ({ status: 201, body: await createPanel(stores, provisioner, caller, params.propertyId, body) }),
  listPanels: async ({ stores, caller, params, query }) => ({ status: 200, body: await listPanels(stores, caller, params.propertyId, query.limit, query.cursor) }),
  getPanel: async ({ stores, caller, params }) => ({ status: 200, body: await getPanel(stores, caller, params.propertyId, params.panelId) }),
  decommissionPanel: async ({ stores, caller, params }) => {
    await decommissionPanel(stores, provisioner, caller, params.propertyId, params.panelId);
    return { status: 204 };
  },
  unlockPanel: async ({ stores, caller, params }) => ({ status: 202, body: await requestUnlock(stores, caller, params.propertyId, params.panelId) }),
  rotatePanelKeys: async ({ stores, caller, params }) => ({ status: 202, body: await rotatePanelKeys(stores, caller, params.propertyId) }),
  getCommand: async ({ stores, caller, params }) => ({ status: 200, body: await getCommand(stores, caller, params.propertyId, params.panelId, params.commandId) }),
});
