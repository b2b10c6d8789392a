import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { encodePem } from "../../../pki/pem.js";
import type { CiscoService } from "../../../services/cisco/cisco.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  CreateDeviceBody,
  DeviceJson,
  DevicePage,
  DeviceParams,
  ProjectOnly,
  UpdateDeviceBody,
  deviceJson,
} from "./cisco.schemas.js";

const tags = ["cisco"];
const base = "/api/v1/projects/:projectId/cisco/devices";

/** CAPF device records (spec §5.2) in the native API; the same service as `/api/capf`. */
export function ciscoDeviceRoutes(app: FastifyInstance, deps: { cisco: CiscoService }): void {
  const { devices } = deps.cisco;

  app.get<{ Params: Static<typeof ProjectOnly>; Querystring: Static<typeof PageQuery> }>(
    base,
    {
      config: { access: { permission: "cisco:read" } },
      schema: {
        summary: "List CAPF devices",
        tags,
        params: ProjectOnly,
        querystring: PageQuery,
        response: { 200: DevicePage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const page = await devices.listDevices(
        actorOf(request),
        request.params.projectId,
        request.query,
      );
      return { items: page.items.map(deviceJson), next_cursor: page.nextCursor };
    },
  );

  app.post<{ Params: Static<typeof ProjectOnly>; Body: Static<typeof CreateDeviceBody> }>(
    base,
    {
      config: { access: { permission: "cisco:write" } },
      schema: {
        summary: "Add a CAPF device (a phone) with its pending operation",
        tags,
        params: ProjectOnly,
        body: CreateDeviceBody,
        response: { 201: DeviceJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const { projectId } = request.params;
      const body = request.body;
      const device = await devices.createDevice(actorOf(request), projectId, {
        name: body.name,
        description: body.description,
        operation: body.operation,
        authentication: body.authentication,
        password: body.password,
        keyType: body.key_type,
        keySize: body.key_size,
        curve: body.curve,
        certificate: body.certificate,
      });
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${projectId}/cisco/devices/${device.name}`)
        .send(deviceJson(device));
    },
  );

  app.get<{ Params: Static<typeof DeviceParams> }>(
    `${base}/:name`,
    {
      config: { access: { permission: "cisco:read" } },
      schema: {
        summary: "Get a CAPF device",
        tags,
        params: DeviceParams,
        response: { 200: DeviceJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      deviceJson(
        await devices.getDevice(actorOf(request), request.params.projectId, request.params.name),
      ),
  );

  app.patch<{ Params: Static<typeof DeviceParams>; Body: Static<typeof UpdateDeviceBody> }>(
    `${base}/:name`,
    {
      config: { access: { permission: "cisco:write" } },
      schema: {
        summary: "Change a device's operation, authentication or key",
        tags,
        params: DeviceParams,
        body: UpdateDeviceBody,
        response: { 200: DeviceJson, ...mutationErrors(404) },
      },
    },
    async (request) => {
      const body = request.body;
      const device = await devices.updateDevice(
        actorOf(request),
        request.params.projectId,
        request.params.name,
        {
          description: body.description,
          operation: body.operation,
          authentication: body.authentication,
          password: body.password,
          keyType: body.key_type,
          keySize: body.key_size,
          curve: body.curve,
        },
      );
      return deviceJson(device);
    },
  );

  app.delete<{ Params: Static<typeof DeviceParams> }>(
    `${base}/:name`,
    {
      config: { access: { permission: "cisco:write" } },
      schema: {
        summary: "Remove a CAPF device",
        tags,
        params: DeviceParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await devices.deleteDevice(actorOf(request), request.params.projectId, request.params.name);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof DeviceParams> }>(
    `${base}/:name/certificate`,
    {
      config: { access: { permission: "cisco:read" } },
      schema: {
        summary: "Download the device's LSC or MIC (PEM)",
        tags,
        params: DeviceParams,
        produces: ["application/x-pem-file"],
        response: {
          200: { type: "string", description: "PEM certificate." },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { device, certificate } = await devices.deviceCertificate(
        actorOf(request),
        request.params.projectId,
        request.params.name,
      );
      return reply
        .type("application/x-pem-file")
        .header("content-disposition", `attachment; filename="${device.name}.pem"`)
        .send(encodePem("CERTIFICATE", certificate.der));
    },
  );
}
