// Generated from the OpenAPI document by `npm run -s client:generate` (scripts/openapi-client.ts). Do not edit.

export type paths = {
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as OpenAPI 3.1 */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service and pointers to its description (same as /health) */
        get: operations["getServiceRoot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 with the service, its version and where its OpenAPI document is */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's properties and role at each (any signed-in user; an operator sees every property) */
        get: operations["listMyProperties"];
        put?: never;
        /** Create a property (operator) */
        post: operations["createProperty"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A property with its settings (any member) */
        get: operations["getProperty"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change property settings (admin) */
        patch: operations["patchSettings"];
        trace?: never;
    };
    "/properties/{propertyId}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail, newest first (admin) */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Admins and staff (admin) */
        get: operations["listMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Make a user admin or staff (admin; operator for the first admin) */
        put: operations["putMember"];
        post?: never;
        /** Remove an admin or staff member (admin) */
        delete: operations["deleteMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/residents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Residents (admin, staff) */
        get: operations["listResidents"];
        put?: never;
        /** Move a resident in (admin, staff) */
        post: operations["moveIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/residents/{residentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Move a resident out: revokes their credentials and membership at once (admin, staff) */
        delete: operations["moveOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/directory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Directory: display name and unit, searchable (members) */
        get: operations["searchDirectory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/delivery-pins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery PINs, masked (admin) */
        get: operations["listDeliveryPins"];
        put?: never;
        /** Create a delivery PIN (admin) */
        post: operations["createDeliveryPin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/delivery-pins/{pinId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A delivery PIN, masked (admin) */
        get: operations["getDeliveryPin"];
        put?: never;
        post?: never;
        /** Delete a delivery PIN: it stops working (admin) */
        delete: operations["deleteDeliveryPin"];
        options?: never;
        head?: never;
        /** Change description, PIN or schedule (admin) */
        patch: operations["patchDeliveryPin"];
        trace?: never;
    };
    "/properties/{propertyId}/delivery-pins/{pinId}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Show the whole PIN; recorded in the audit trail (admin) */
        post: operations["revealDeliveryPin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/delivery-passes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery passes, newest first (a resident sees their own) */
        get: operations["listDeliveryPasses"];
        put?: never;
        /** Make a single-use delivery pass with a generated code (residents unless turned off; staff; admins) */
        post: operations["createDeliveryPass"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/delivery-passes/{passId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A delivery pass with its status and whether the doors have it */
        get: operations["getDeliveryPass"];
        put?: never;
        post?: never;
        /** Cancel a delivery pass: it stops working on every door */
        delete: operations["cancelDeliveryPass"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/delivery-passes/{passId}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Show an active pass's code to staff or admins (its maker sees it on GET); recorded in the audit trail */
        post: operations["revealDeliveryPass"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/visitor-passes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Visitor passes, newest first (a resident sees their own) */
        get: operations["listVisitorPasses"];
        put?: never;
        /** Invite a visitor for a time window: keypad code and offline-verifiable QR token */
        post: operations["createVisitorPass"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/visitor-passes/{passId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A visitor pass with its code, QR token and sync state */
        get: operations["getVisitorPass"];
        put?: never;
        post?: never;
        /** Revoke a visitor pass: code and QR stop working on every door */
        delete: operations["revokeVisitorPass"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/visitor-passes/{passId}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Show a live visitor pass's code and QR token to staff or admins (its maker sees them on GET); recorded in the audit trail */
        post: operations["revealVisitorPass"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/panels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Panels with their credential sync state (admin, staff) */
        get: operations["listPanels"];
        put?: never;
        /** Create a panel and its IoT identity; the connection material is returned once (admin) */
        post: operations["createPanel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/panels/{panelId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A panel: desired vs reported credential-set version, inSync, lastSeenAt (admin, staff) */
        get: operations["getPanel"];
        put?: never;
        post?: never;
        /** Decommission a panel (lost, stolen, replaced): its certificate is deactivated, it can no longer connect or claim, and it leaves every sync list (admin) */
        delete: operations["decommissionPanel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/panels/{panelId}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a remote unlock with an expiry (admin, staff, resident) */
        post: operations["unlockPanel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/panels/{panelId}/commands/{commandId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of an unlock command: sent, executed or expired */
        get: operations["getCommand"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/panel-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the panel code-hash key and the visitor QR signing key, e.g. after a panel was stolen (admin) */
        post: operations["rotatePanelKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/access-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Access events newest first, with short-lived photo URLs (admin, staff) */
        get: operations["listAccessEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Calls from panels, newest first (admin, staff; a resident sees calls to their unit) */
        get: operations["listCalls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/calls/{callId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A call: status, who answered, whether the door opened (the answerer also gets a fresh media session while it is up) */
        get: operations["getCall"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/calls/{callId}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take a ringing call (a resident of the called unit, or the called staff member): one wins, the others stop ringing; returns the media session */
        post: operations["acceptCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/calls/{callId}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline a ringing call (the panel says so; the visitor may call again), or hang up one you accepted */
        post: operations["declineCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/calls/{callId}/open-door": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Open the door for the caller (whoever accepted, while the call is up): an expiring unlock, the access event has method "call"; the call ends */
        post: operations["openCallDoor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notification records, newest first, with masked recipients (admin, staff; a resident sees their own) */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The resident's own record: name, unit, contact, how they are told of deliveries and calls (resident) */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change name, contact or notification channels (resident) */
        patch: operations["patchMe"];
        trace?: never;
    };
    "/properties/{propertyId}/me/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a phone for app pushes (call rings): APNs VoIP or FCM token (resident, staff) */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/me/devices/{deviceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop app pushes to a phone (resident, staff) */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/me/door-pin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set or change the resident's own door PIN: with their unit number at package rooms (and entrances, if the property allows it) (resident) */
        put: operations["putDoorPin"];
        post?: never;
        /** Remove the resident's own door PIN (resident) */
        delete: operations["deleteDoorPin"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/me/phone-verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Text a 6-digit code to the resident's phone (contact.phone, an allowed country); valid 10 minutes, 5 codes an hour. Calls and texts go only to a verified phone (resident) */
        post: operations["requestPhoneVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/me/phone-verification/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm the texted code: contact.phoneVerified; 409 wrong-code, locked (5 wrong tries), expired, no-verification (resident) */
        post: operations["confirmPhoneVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Packages, newest first, by status and unit (admin, staff; a resident sees their unit's) */
        get: operations["listPackages"];
        put?: never;
        /** Log a package received at the front desk (staff, admin): waiting for pickup, the unit's residents (or the one named) notified as they chose */
        post: operations["logPackage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/packages/{packageId}/picked-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand a waiting package over (staff, admin); 409 when it was picked up already */
        post: operations["handOverPackage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Integration clients, without secrets (admin) */
        get: operations["listIntegrations"];
        put?: never;
        /** Create an integration client: OAuth client credentials with scopes; the secret is shown once (admin) */
        post: operations["createIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/integrations/{integrationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One integration client (admin) */
        get: operations["getIntegration"];
        put?: never;
        post?: never;
        /** Delete an integration client: its tokens are refused at once and no new ones are issued (admin) */
        delete: operations["deleteIntegration"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The property's webhook subscriptions (admin) */
        get: operations["listWebhooks"];
        put?: never;
        /** Subscribe a URL to event types (admin): the signing secret is in this answer only */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook subscription (admin) */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Remove a webhook subscription (admin); its waiting deliveries are parked */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Change the URL, event types or enabled (admin) */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/properties/{propertyId}/webhooks/{webhookId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret (admin); the previous one keeps signing too for 24 h */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries of a subscription, newest first, with their attempts (admin) */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a parked (or waiting) delivery again now (admin); 409 when delivered or in flight */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/properties/{propertyId}/roster": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Sync the whole resident roster from a property-management system (admin; integrations with lobby/residents.write): matched by externalId; new rows move in (on their moveInDate, in the property's time zone), changed rows are updated, rows missing or past their moveOutDate move out (everything revoked). Idempotent; dryRun reports the same diff and writes nothing; bad rows are reported in errors and skipped whole. Body up to 2 MB (2,000 rows). */
        put: operations["syncRoster"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        OpenApiDocument: {
            openapi: string;
            info: {
                title: string;
                version: string;
            } & {
                [key: string]: unknown;
            };
            paths: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        ServiceInfo: {
            /** @constant */
            service: "lobby";
            /** @constant */
            status: "ok";
            /** @description The API version (the OpenAPI document info.version) */
            version: string;
            /**
             * @description Path of this API’s OpenAPI 3.1 document
             * @constant
             */
            openapi: "/openapi.json";
            /** @description Where to read more */
            docs: string;
        };
        Property: {
            id: string;
            name: string;
            timezone: string;
            settings: {
                residentPassesEnabled: boolean;
                codeLength: 5 | 6;
                visitorMaxHours: number;
                photoRetentionDays: number;
                passValidHours: number;
                passGraceMinutes: number;
                /** @enum {string} */
                offlinePassPolicy: "deny" | "allow-once-and-reconcile";
                residentDoorPinsAtEntrances: boolean;
                maxActivePassesPerResident: number;
                auditRetentionDays: number;
                callRingSeconds: number;
                packageReminderHours: number;
                callTalkSeconds: number;
                maxCallsPerPanel: number;
                maxCallsPerUnit: number;
            };
            /** Format: date-time */
            createdAt: string;
        };
        PropertyMembershipPage: {
            items: components["schemas"]["PropertyMembership"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        PropertyMembership: {
            propertyId: string;
            name: string;
            /**
             * @description The caller's membership role; `operator` for an operator who is not a member
             * @enum {string}
             */
            role: "admin" | "staff" | "resident" | "operator";
        };
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        AuditEntry: {
            id: string;
            /** Format: date-time */
            at: string;
            actor: string;
            action: string;
            target: {
                type: string;
                id: string;
            };
        };
        MemberPage: {
            items: components["schemas"]["Member"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Member: {
            userId: string;
            /** @enum {string} */
            role: "admin" | "staff" | "resident";
            /** Format: date-time */
            since: string;
        };
        Resident: {
            id: string;
            userId: string;
            name: string;
            unit: string;
            email?: string;
            phone?: string;
            notify: ("app" | "sms" | "email")[];
            /** Format: date-time */
            movedInAt: string;
            /** Format: date-time */
            movedOutAt?: string;
            /** @description The property-management system's id, for a resident its roster sync moved in */
            externalId?: string;
        };
        ResidentPage: {
            items: components["schemas"]["Resident"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        DirectoryPage: {
            items: components["schemas"]["DirectoryEntry"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        DirectoryEntry: {
            residentId: string;
            name: string;
            unit: string;
        };
        CreatedDeliveryPin: {
            id: string;
            description: string;
            /** @description The last two digits, e.g. "**56". */
            pinHint: string;
            schedule: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                to: string;
            } | null;
            /** @description The doors it opens; null: every door. */
            doors: {
                kinds?: ("entrance" | "package-room")[];
                panelIds?: string[];
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            pin: string;
        };
        DoorLimits: {
            kinds?: ("entrance" | "package-room")[];
            panelIds?: string[];
        };
        DeliveryPinPage: {
            items: components["schemas"]["DeliveryPin"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        DeliveryPin: {
            id: string;
            description: string;
            /** @description The last two digits, e.g. "**56". */
            pinHint: string;
            schedule: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                to: string;
            } | null;
            /** @description The doors it opens; null: every door. */
            doors: {
                kinds?: ("entrance" | "package-room")[];
                panelIds?: string[];
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        DeliveryPinWithSync: {
            id: string;
            description: string;
            /** @description The last two digits, e.g. "**56". */
            pinHint: string;
            schedule: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                to: string;
            } | null;
            /** @description The doors it opens; null: every door. */
            doors: {
                kinds?: ("entrance" | "package-room")[];
                panelIds?: string[];
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            sync: components["schemas"]["CredentialSync"];
        };
        CredentialSync: {
            /** @enum {string} */
            state: "setting" | "set" | "removing" | "removed";
            /** @description A single-use code redeemed in the cloud: nothing left to send to panels. */
            claimedInCloud?: boolean;
            panels: {
                panelId: string;
                /** @enum {string} */
                state: "setting" | "set" | "removing" | "removed" | "offline";
                /** @description When the change was made, or the heartbeat that confirmed it. */
                since: string | null;
            }[];
        };
        PatchedDeliveryPin: {
            id: string;
            description: string;
            /** @description The last two digits, e.g. "**56". */
            pinHint: string;
            schedule: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                to: string;
            } | null;
            /** @description The doors it opens; null: every door. */
            doors: {
                kinds?: ("entrance" | "package-room")[];
                panelIds?: string[];
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            pin?: string;
        };
        RevealedPin: {
            pin: string;
        };
        CreatedDeliveryPass: {
            id: string;
            /** @enum {string} */
            status: "active" | "used" | "cancelled" | "expired";
            codeHint: string;
            note: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string;
            usedAt: string | null;
            eventId: string | null;
            code: string;
            shareText: string;
        };
        DeliveryPassPage: {
            items: components["schemas"]["DeliveryPass"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        DeliveryPass: {
            id: string;
            /** @enum {string} */
            status: "active" | "used" | "cancelled" | "expired";
            codeHint: string;
            note: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string;
            usedAt: string | null;
            eventId: string | null;
        };
        DeliveryPassWithSync: {
            id: string;
            /** @enum {string} */
            status: "active" | "used" | "cancelled" | "expired";
            codeHint: string;
            note: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string;
            usedAt: string | null;
            eventId: string | null;
            code?: string;
            sync: components["schemas"]["CredentialSync"];
        };
        RevealedPassCode: {
            code: string;
        };
        CreatedVisitorPass: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "active" | "expired" | "revoked";
            visitorName: string;
            visitorEmail: string | null;
            codeHint: string;
            /** Format: date-time */
            startsAt: string;
            /** Format: date-time */
            endsAt: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            code: string;
            qr: string;
        };
        VisitorPassPage: {
            items: components["schemas"]["VisitorPass"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        VisitorPass: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "active" | "expired" | "revoked";
            visitorName: string;
            visitorEmail: string | null;
            codeHint: string;
            /** Format: date-time */
            startsAt: string;
            /** Format: date-time */
            endsAt: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
        };
        VisitorPassWithSync: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "active" | "expired" | "revoked";
            visitorName: string;
            visitorEmail: string | null;
            codeHint: string;
            /** Format: date-time */
            startsAt: string;
            /** Format: date-time */
            endsAt: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            code?: string;
            qr?: string;
            sync: components["schemas"]["CredentialSync"];
        };
        RevealedVisitorCode: {
            code: string;
            qr: string;
        };
        CreatedPanel: {
            id: string;
            propertyId: string;
            name: string;
            /** @enum {string} */
            kind: "entrance" | "package-room";
            /** Format: date-time */
            createdAt: string;
            credentials: {
                desiredVersion: number;
                reportedVersion: number | null;
                inSync: boolean;
                lastSeenAt: string | null;
                online: boolean;
            };
            keypadLockedUntil: string | null;
            connection: {
                mqttUrl: string;
                clientId: string;
                certificatePem: string;
                privateKeyPem: string;
                /** @description Local stack only; in AWS the panel trusts Amazon Root CA 1. */
                caPem?: string;
                certificateArn?: string;
                topicRoot: string;
            };
        };
        PanelPage: {
            items: components["schemas"]["Panel"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Panel: {
            id: string;
            propertyId: string;
            name: string;
            /** @enum {string} */
            kind: "entrance" | "package-room";
            /** Format: date-time */
            createdAt: string;
            credentials: {
                desiredVersion: number;
                reportedVersion: number | null;
                inSync: boolean;
                lastSeenAt: string | null;
                online: boolean;
            };
            keypadLockedUntil: string | null;
        };
        UnlockAccepted: {
            commandId: string;
            /** Format: date-time */
            expiresAt: string;
        };
        Command: {
            commandId: string;
            panelId: string;
            /** @enum {string} */
            status: "sent" | "executed" | "expired";
            /** Format: date-time */
            issuedAt: string;
            /** Format: date-time */
            expiresAt: string;
            executedAt: string | null;
            eventId: string | null;
        };
        KeyRotation: {
            keyVersion: number;
            version: number;
        };
        AccessEventPage: {
            items: components["schemas"]["AccessEvent"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        AccessEvent: {
            id: string;
            /** Format: date-time */
            at: string;
            panelId: string;
            /** @enum {string} */
            method: "delivery-pin" | "delivery-pass" | "visitor" | "call" | "remote-unlock" | "resident-pickup" | "resident-door-pin";
            /** @enum {string} */
            decision: "granted" | "denied";
            reason?: string;
            credentialId?: string;
            commandId?: string;
            offline?: boolean;
            clockSkew?: boolean;
            clockSkewSeconds?: number;
            /** @description Presigned, short-lived. */
            photoUrl?: string;
        };
        CallPage: {
            items: components["schemas"]["Call"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Call: {
            id: string;
            panelId: string;
            /** @enum {string} */
            status: "ringing" | "accepted" | "declined" | "missed" | "ended";
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            ringUntil: string;
            /**
             * Format: date-time
             * @description Accepted: the call ends by itself then (callTalkSeconds after the answer); no door after it.
             */
            talkUntil?: string;
            /** Format: date-time */
            answeredAt?: string;
            /** Format: date-time */
            endedAt?: string;
            /** @description Admins and staff: the user id (or phone:<residentId>). A resident: "you", "another resident" or "phone". */
            answeredBy?: string;
            /**
             * @description This resident declined; the call may still ring the others of the unit.
             * @constant
             */
            declinedByYou?: true;
            doorOpened: boolean;
            commandId?: string;
            unit: string | null;
            staff: boolean;
            accessEventId?: string;
            media?: components["schemas"]["MediaSession"];
        };
        MediaSession: {
            /** @enum {string} */
            role: "MASTER" | "VIEWER";
            channelArn: string;
            /** @description A SigV4-presigned WSS URL for this channel and role only; short-lived. */
            signalingUrl: string;
            iceServers: {
                urls: string[];
                username?: string;
                credential?: string;
            }[];
            /** Format: date-time */
            expiresAt: string;
            clientId?: string;
        };
        CallDoorOpened: {
            commandId: string;
            /** Format: date-time */
            expiresAt: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Notification: {
            id: string;
            /** @enum {string} */
            kind: "package-delivered" | "package-reminder" | "pass-used" | "visitor-arrived" | "call-missed" | "visitor-invitation";
            /** @enum {string} */
            channel: "app" | "sms" | "email";
            /** @description Masked. */
            to: string;
            /** @enum {string} */
            status: "queued" | "sent" | "failed";
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            sentAt?: string;
            residentId: string;
        };
        Me: {
            residentId: string;
            name: string;
            unit: string;
            contact: {
                email?: string;
                phone?: string;
                phoneVerified?: boolean;
            };
            notify: {
                deliveries: ("app" | "sms" | "email")[];
                calls: ("app" | "phone")[];
            };
        };
        Device: {
            id: string;
            /** @enum {string} */
            platform: "apns" | "fcm";
        };
        PhoneVerificationSent: {
            /** Format: date-time */
            expiresAt: string;
        };
        PackagePage: {
            items: components["schemas"]["Package"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Package: {
            id: string;
            unit: string;
            /** @description The resident picked at the panel or by staff; null for the whole unit, or when nobody lives there (unknownUnit). */
            residentId: string | null;
            count: number;
            /** @enum {string} */
            status: "awaiting-pickup" | "picked-up";
            /** Format: date-time */
            deliveredAt: string;
            /** @description The package-room Finish; null for a package logged at the front desk. */
            deliveryEventId: string | null;
            panelId?: string;
            carrier?: string;
            loggedBy?: string;
            /** @description Nobody lived in the unit when it was delivered: nobody was notified. */
            unknownUnit?: boolean;
            /** Format: date-time */
            remindedAt?: string;
            /** Format: date-time */
            pickedUpAt?: string;
            pickupEventId?: string;
            handedOverBy?: string;
        };
        CreatedIntegration: {
            id: string;
            name: string;
            scopes: ("lobby/residents.read" | "lobby/residents.write" | "lobby/visitor-passes.write" | "lobby/delivery-pins.write" | "lobby/events.read" | "lobby/webhooks.write")[];
            /** @description The OAuth client id (HTTP Basic user name at the token URL). */
            clientId: string;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** @description Shown once. */
            clientSecret: string;
            /** @description POST grant_type=client_credentials here (HTTP Basic clientId:clientSecret) for an access token. */
            tokenUrl: string;
        };
        IntegrationPage: {
            items: components["schemas"]["Integration"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Integration: {
            id: string;
            name: string;
            scopes: ("lobby/residents.read" | "lobby/residents.write" | "lobby/visitor-passes.write" | "lobby/delivery-pins.write" | "lobby/events.read" | "lobby/webhooks.write")[];
            /** @description The OAuth client id (HTTP Basic user name at the token URL). */
            clientId: string;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
        };
        CreatedWebhook: {
            id: string;
            url: string;
            events: ("access.granted" | "access.denied" | "delivery-pass.used" | "package.delivered" | "package.picked-up" | "call.missed" | "resident.moved-out" | "panel.offline" | "panel.online" | "credential.sync-failed")[];
            description?: string;
            enabled: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt?: string;
            /**
             * Format: date-time
             * @description The last rotation; the secret before it still signs until 24 h after it.
             */
            secretRotatedAt?: string;
            /** @description whsec_ + base64 of 32 random bytes (Standard Webhooks). Shown once. */
            secret: string;
        };
        WebhookPage: {
            items: components["schemas"]["Webhook"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        Webhook: {
            id: string;
            url: string;
            events: ("access.granted" | "access.denied" | "delivery-pass.used" | "package.delivered" | "package.picked-up" | "call.missed" | "resident.moved-out" | "panel.offline" | "panel.online" | "credential.sync-failed")[];
            description?: string;
            enabled: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt?: string;
            /**
             * Format: date-time
             * @description The last rotation; the secret before it still signs until 24 h after it.
             */
            secretRotatedAt?: string;
        };
        RotatedWebhookSecret: {
            /** @description The new secret, shown once; the previous one keeps signing (a second v1 signature) for 24 h. */
            secret: string;
        };
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            /** @description Opaque; send it back as `cursor` for the next page. null on the last page. */
            nextCursor: string | null;
        };
        WebhookDelivery: {
            id: string;
            /** @description The `webhook-id` header: the same on every attempt. */
            eventId: string;
            /** @enum {string} */
            type: "access.granted" | "access.denied" | "delivery-pass.used" | "package.delivered" | "package.picked-up" | "call.missed" | "resident.moved-out" | "panel.offline" | "panel.online" | "credential.sync-failed";
            /** @enum {string} */
            status: "queued" | "sending" | "delivered" | "retrying" | "parked";
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            lastAttemptAt: string | null;
            lastStatusCode: number | null;
            lastError: string | null;
            nextAttemptAt: string | null;
            /** Format: date-time */
            deliveredAt?: string;
        };
        RosterSyncResult: {
            /** @description true: nothing was written; the lists say what the same PUT without dryRun would do now */
            dryRun: boolean;
            /** @description New to Lobby: moved in now, or (see `scheduled`) waiting for their moveInDate */
            added: string[];
            /** @description Changed name, unit, email, phone or dates. A unit change moves the resident out of the old unit and in to the new one (new residentId) */
            updated: string[];
            /** @description Moved out now (everything revoked): missing from the roster, or their moveOutDate has come; or a scheduled move-in cancelled */
            movedOut: string[];
            /** @description Nothing to do (a past resident Lobby never had is unchanged too) */
            unchanged: string[];
            /** @description Rows of this roster with a change still to come on its date (applied by the schedule in the property's time zone) */
            scheduled: components["schemas"]["RosterScheduledChange"][];
            /** @description Missing from the roster but NOT moved out this time: some rows had no readable externalId (they might be these residents), or the sync ran out of time (send it again) */
            held?: string[];
            /** @description Rows skipped whole (never half-applied); every other row was applied */
            errors: components["schemas"]["RosterRowError"][];
        };
        RosterScheduledChange: {
            externalId: string;
            /** @enum {string} */
            change: "move-in" | "move-out";
            /** @description YYYY-MM-DD in the property time zone */
            date: string;
        };
        RosterRowError: {
            /** @description The row (0-based) in `residents` */
            index: number;
            externalId?: string;
            /** @description The field at fault, when one is */
            field?: string;
            detail: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @description urn:lobby:problem:<slug> */
            type: string;
            title: string;
            status: number;
            detail: string;
            errors?: {
                path: string;
                message: string;
            }[];
        };
        /** @description API Gateway's own answer (not from a handler) */
        GatewayMessage: {
            message: string;
        };
    };
    responses: {
        /** @description The path, query string, body or Idempotency-Key is not valid (`errors` lists each field). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:validation",
                 *       "title": "Your request is not valid",
                 *       "status": 400,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No valid bearer token (missing, malformed, expired, not signed by the user pool, or of a deleted integration). The API's Lambda authorizer refuses it and API Gateway answers `{"message":"Unauthorized"}` (application/json); the local stack does the same. A handler that finds no caller answers a problem. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Unauthorized"
                 *     }
                 */
                "application/json": components["schemas"]["GatewayMessage"];
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:unauthorized",
                 *       "title": "Unauthorized",
                 *       "status": 401,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Authenticated but not allowed (role, or the property turned the feature off). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:forbidden",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource at this property (or not visible to the caller). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:not-found",
                 *       "title": "Not found",
                 *       "status": 404,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The resource is not in a state that allows this (e.g. `code-in-use`, `not-active`, `too-many-passes`), or a request with this Idempotency-Key is still in progress (`idempotency-in-progress`). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:conflict",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is over 65536 bytes (a problem), or over API Gateway's 10 MB payload limit (`{"message":"Request Entity Too Large"}`). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:too-large",
                 *       "title": "Request body too large",
                 *       "status": 413,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
                /**
                 * @example {
                 *       "message": "Request Entity Too Large"
                 *     }
                 */
                "application/json": components["schemas"]["GatewayMessage"];
            };
        };
        /** @description A body that is not application/json. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:unsupported-media-type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description This Idempotency-Key was used with a different request body (keys are kept 24 hours, per caller and route). */
        IdempotencyKeyReused: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:idempotency-key-reused",
                 *       "title": "Idempotency-Key reused",
                 *       "status": 422,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description API Gateway's stage throttling (in AWS only). */
        TooManyRequests: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Too Many Requests"
                 *     }
                 */
                "application/json": components["schemas"]["GatewayMessage"];
            };
        };
        /** @description A fault on our side (a problem), or a Lambda that failed outright (`{"message":"Internal Server Error"}`). Never a stack trace. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:internal",
                 *       "title": "Internal error",
                 *       "status": 500,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
                /**
                 * @example {
                 *       "message": "Internal Server Error"
                 *     }
                 */
                "application/json": components["schemas"]["GatewayMessage"];
            };
        };
        /** @description A service we depend on is unreachable or throttling (a problem with `Retry-After`), or the Lambda timed out or was throttled (`{"message":"Service Unavailable"}`). Safe to retry after the delay; creates with the same Idempotency-Key. */
        Unavailable: {
            headers: {
                /** @description Seconds to wait (problem responses only). */
                "Retry-After"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:lobby:problem:unavailable",
                 *       "title": "Service unavailable",
                 *       "status": 503,
                 *       "detail": "…"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
                /**
                 * @example {
                 *       "message": "Service Unavailable"
                 *     }
                 */
                "application/json": components["schemas"]["GatewayMessage"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Responses are never cached. */
        CacheControl: "no-store";
    };
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenApiDocument"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getServiceRoot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceInfo"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceInfo"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listMyProperties: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PropertyMembershipPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createProperty: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    timezone: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Property"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getProperty: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Property"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    patchSettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    residentPassesEnabled?: boolean;
                    codeLength?: 5 | 6;
                    visitorMaxHours?: number;
                    photoRetentionDays?: number;
                    passValidHours?: number;
                    passGraceMinutes?: number;
                    /** @enum {string} */
                    offlinePassPolicy?: "deny" | "allow-once-and-reconcile";
                    residentDoorPinsAtEntrances?: boolean;
                    maxActivePassesPerResident?: number;
                    auditRetentionDays?: number;
                    callRingSeconds?: number;
                    packageReminderHours?: number;
                    callTalkSeconds?: number;
                    maxCallsPerPanel?: number;
                    maxCallsPerUnit?: number;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Property"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listAudit: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listMembers: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    putMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role: "admin" | "staff";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listResidents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResidentPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    moveIn: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    userId: string;
                    name: string;
                    unit: string;
                    /** Format: email */
                    email?: string;
                    phone?: string;
                    notify?: ("app" | "sms" | "email")[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Resident"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    moveOut: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                residentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    searchDirectory: {
        parameters: {
            query?: {
                q?: string;
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listDeliveryPins: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPinPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createDeliveryPin: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description: string;
                    pin: string;
                    schedule?: {
                        days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                        from: string;
                        to: string;
                    };
                    doors?: components["schemas"]["DoorLimits"];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedDeliveryPin"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getDeliveryPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                pinId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPinWithSync"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteDeliveryPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                pinId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    patchDeliveryPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                pinId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    pin?: string;
                    schedule?: {
                        days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                        from: string;
                        to: string;
                    } | null;
                    doors?: components["schemas"]["DoorLimits"] | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PatchedDeliveryPin"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    revealDeliveryPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                pinId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevealedPin"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listDeliveryPasses: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPassPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createDeliveryPass: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note?: string;
                    validHours?: number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedDeliveryPass"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getDeliveryPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPassWithSync"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelDeliveryPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    revealDeliveryPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevealedPassCode"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listVisitorPasses: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorPassPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createVisitorPass: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    visitorName: string;
                    /** Format: date-time */
                    startsAt: string;
                    /** Format: date-time */
                    endsAt: string;
                    /** Format: email */
                    visitorEmail?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedVisitorPass"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getVisitorPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorPassWithSync"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    revokeVisitorPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    revealVisitorPass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                passId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevealedVisitorCode"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listPanels: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PanelPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createPanel: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    kind: "entrance" | "package-room";
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedPanel"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getPanel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                panelId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Panel"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    decommissionPanel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                panelId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    unlockPanel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                panelId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnlockAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getCommand: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                panelId: string;
                commandId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    rotatePanelKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyRotation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listAccessEvents: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
                panelId?: string;
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessEventPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listCalls: {
        parameters: {
            query?: {
                status?: "ringing" | "accepted" | "declined" | "missed" | "ended";
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    acceptCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    declineCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    openCallDoor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallDoorOpened"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                residentId?: string;
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    patchMe: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    contact?: {
                        email?: string | null;
                        phone?: string | null;
                    };
                    notify?: {
                        deliveries?: ("app" | "sms" | "email")[];
                        calls?: ("app" | "phone")[];
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    platform: "apns" | "fcm";
                    token: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                deviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    putDoorPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    pin: string;
                };
            };
        };
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteDoorPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    requestPhoneVerification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhoneVerificationSent"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    confirmPhoneVerification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listPackages: {
        parameters: {
            query?: {
                status?: "awaiting-pickup" | "picked-up";
                unit?: string;
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackagePage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    logPackage: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    unit: string;
                    count?: number;
                    carrier?: string;
                    residentId?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Package"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    handOverPackage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Package"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listIntegrations: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description OAuth scopes the integration may request: each admits it to the routes that list it. */
                    scopes: ("lobby/residents.read" | "lobby/residents.write" | "lobby/visitor-passes.write" | "lobby/delivery-pins.write" | "lobby/events.read" | "lobby/webhooks.write")[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedIntegration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                integrationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                integrationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uri */
                    url: string;
                    events: ("access.granted" | "access.denied" | "delivery-pass.used" | "package.delivered" | "package.picked-up" | "call.missed" | "resident.moved-out" | "panel.offline" | "panel.online" | "credential.sync-failed")[];
                    description?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done (no body) */
            204: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uri */
                    url?: string;
                    events?: ("access.granted" | "access.denied" | "delivery-pass.used" | "package.delivered" | "package.picked-up" | "call.missed" | "resident.moved-out" | "panel.offline" | "panel.online" | "credential.sync-failed")[];
                    enabled?: boolean;
                    description?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedWebhookSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
                webhookId: string;
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    syncRoster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                propertyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    residents: {
                        externalId: string;
                        name: string;
                        unit: string;
                        email?: string | null;
                        phone?: string | null;
                        moveInDate: string;
                        moveOutDate?: string | null;
                    }[];
                    dryRun?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RosterSyncResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}

/** Creates that take an Idempotency-Key (the client adds one, so it may retry them). */
export const idempotentPaths: readonly string[] = ["/properties","/properties/{propertyId}/residents","/properties/{propertyId}/delivery-pins","/properties/{propertyId}/delivery-passes","/properties/{propertyId}/visitor-passes","/properties/{propertyId}/panels","/properties/{propertyId}/me/devices","/properties/{propertyId}/packages"];
