import { httpHandler } from '../http/handler.ts';
import { meRoutes } from '../http/routes/me.ts';
import { deleteDevice, registerDevice } from '../domain/devices.ts';
import { getMe, patchMe } from '../domain/residents-me.ts';
import { deleteDoorPin, setDoorPin } from '../domain/door-pins.ts';
import { confirmPhoneVerification, requestPhoneVerification } from '../domain/phone-verification.ts';

export const handler = httpHandler('me', meRoutes, {
  getMe: async ({ stores, caller, params }) => ({ status: 200, body: await getMe(stores, caller, params.propertyId) }),
  patchMe: async ({ stores, caller, params, body }) => ({ status: 200, body: await patchMe(stores, caller, params.propertyId, body) }),
  registerDevice: async ({ stores, caller, params, body }) => ({ status: 201, body: await registerDevice(stores, caller, params.propertyId, body) }),
  putDoorPin: async ({ stores, caller, params, body }) => {
    await setDoorPin(stores, caller, params.propertyId, body.pin);
    return { status: 204 };
  },
  deleteDoorPin: async ({ stores, caller, params }) => {
    await deleteDoorPin(stores, caller, params.propertyId);
    return { status: 204 };
  },
  requestPhoneVerification: async ({ stores, caller, params }) => ({ status: 202, body: await requestPhoneVerification(stores, caller, params.propertyId) }),
  confirmPhoneVerification: async ({ stores, caller, params, body }) => {
    await confirmPhoneVerification(stores, caller, params.propertyId, body.code);
    return { status: 204 };
  },
  deleteDevice: async ({ stores, caller, params }) => {
    await deleteDevice(stores, caller, params.propertyId, params.deviceId);
    return { status: 204 };
  },
});
