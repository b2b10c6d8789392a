/**
 * UseCallManager's CAPF REST API (seed 000) at `/api/capf/api/v1`: paths, JSON bodies and
 * `{"detail"}` errors as the seed documents them; every rule lives in the Cisco service.
 */

import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { parseCertificate } from "../../../pki/certificate-info.js";
import { encodePem } from "../../../pki/pem.js";

import { attachment, compatDeviceJson, seedTime } from "./cisco-json.js";
import {
  CreateDeviceBody,
  DeviceListQuery,
  DeviceName,
  EncryptConfigBody,
  ItlFileBody,
  OperationBody,
} from "./cisco-schemas.js";
import {
  type CiscoCompatDeps,
  ciscoContext,
  healthRoute,
  READ,
  sendDetail,
  setUpCiscoScope,
  WRITE,
} from "./cisco-scope.js";

export async function ciscoCapfRoutes(app: FastifyInstance, deps: CiscoCompatDeps): Promise<void> {
  const { cisco } = deps;
  await app.register(
    (scope, _options, done) => {
      setUpCiscoScope(scope, {
        cisco,
        trustedNetworks: deps.trustedNetworks,
        title: "CAPF",
        version: deps.version,
        prefix: "/api/capf",
      });
      const v1 = "/api/v1";

      scope.get<{ Querystring: Static<typeof DeviceListQuery> }>(
        `${v1}/devices`,
        {
          config: READ,
          schema: { summary: "List devices", hide: true, querystring: DeviceListQuery },
        },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          const limit = request.query.limit ?? 100;
          const offset = request.query.offset ?? 0;
          const page = await cisco.devices.listDevicesByOffset(actor, projectId, limit, offset);
          return { devices: page.items.map(compatDeviceJson), total: page.total, limit, offset };
        },
      );

      scope.post<{ Body: Static<typeof CreateDeviceBody> }>(
        `${v1}/devices`,
        { config: WRITE, schema: { summary: "Add a device", hide: true, body: CreateDeviceBody } },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          const body = request.body;
          const device = await cisco.devices.createDevice(actor, projectId, {
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
          return reply.code(201).send(compatDeviceJson(device));
        },
      );

      scope.get<{ Params: Static<typeof DeviceName> }>(
        `${v1}/devices/:name`,
        { config: READ, schema: { summary: "Get device details", hide: true, params: DeviceName } },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          return compatDeviceJson(
            await cisco.devices.getDevice(actor, projectId, request.params.name),
          );
        },
      );

      scope.patch<{ Params: Static<typeof DeviceName>; Body: Static<typeof OperationBody> }>(
        `${v1}/devices/:name/operation`,
        {
          config: WRITE,
          schema: {
            summary: "Update operation mode",
            hide: true,
            params: DeviceName,
            body: OperationBody,
          },
        },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          const device = await cisco.devices.updateDevice(actor, projectId, request.params.name, {
            operation: request.body.operation,
          });
          return compatDeviceJson(device);
        },
      );

      scope.delete<{ Params: Static<typeof DeviceName> }>(
        `${v1}/devices/:name`,
        { config: WRITE, schema: { summary: "Remove device", hide: true, params: DeviceName } },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          await cisco.devices.deleteDevice(actor, projectId, request.params.name);
          return reply.code(204).send();
        },
      );

      scope.get<{ Params: Static<typeof DeviceName> }>(
        `${v1}/devices/:name/certificate`,
        {
          config: READ,
          schema: { summary: "Download device certificate (PEM)", hide: true, params: DeviceName },
        },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          const { device, certificate } = await cisco.devices.deviceCertificate(
            actor,
            projectId,
            request.params.name,
          );
          return reply
            .type("application/octet-stream")
            .header("content-disposition", attachment(`${device.name}.pem`))
            .send(encodePem("CERTIFICATE", certificate.der));
        },
      );

      scope.post<{ Body: Static<typeof ItlFileBody> }>(
        `${v1}/itl-file`,
        {
          config: WRITE,
          schema: { summary: "Generate ITLFile.tlv", hide: true, body: ItlFileBody },
        },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          const { signer, digest, signer_version: signerVersion } = request.body;
          const file = await cisco.files.buildItl(actor, projectId, {
            certificates: request.body.certificates,
            signer: signer && {
              certificatePem: signer.certificate_pem,
              privateKeyPem: signer.private_key_pem,
            },
            digest,
            signerVersion,
          });
          return reply
            .type("application/octet-stream")
            .header("content-disposition", attachment(file.fileName))
            .send(Buffer.from(file.bytes));
        },
      );

      scope.post<{ Body: Static<typeof EncryptConfigBody> }>(
        `${v1}/encrypt-config`,
        {
          config: WRITE,
          schema: {
            summary: "Encrypt device configuration (.cnf.xml.enc.sgn)",
            hide: true,
            body: EncryptConfigBody,
          },
        },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          const files = await cisco.files.encryptConfig(actor, projectId, {
            deviceName: request.body.device_name,
            configXml: request.body.config_xml,
            digest: request.body.digest,
          });
          return reply
            .type("application/octet-stream")
            .header("content-disposition", attachment(files.encrypted.fileName))
            .send(Buffer.from(files.encrypted.bytes));
        },
      );

      healthRoute(scope, deps.health);

      scope.get(
        `${v1}/stats`,
        { config: READ, schema: { summary: "Service statistics", hide: true } },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          const stats = await cisco.stats(actor, projectId);
          return {
            total_devices: stats.devices.total,
            devices_by_status: stats.devices.byStatus,
            devices_by_operation: stats.devices.byOperation,
            trust_list_entries: stats.trustEntries,
          };
        },
      );

      scope.get(
        `${v1}/issuer-certificate`,
        { config: READ, schema: { summary: "Get issuer certificate info", hide: true } },
        async (request, reply) => {
          const { projectId } = ciscoContext(request);
          const issuer = await cisco.signers.projectSigner(projectId, "capf_issuer");
          if (!issuer) return sendDetail(reply, 404, "No CAPF issuer certificate is configured.");
          const info = parseCertificate(issuer.certificateDer);
          return {
            subject: info.subject.text,
            issuer: info.issuer.text,
            serial_number: info.serialNumberHex,
            not_valid_before: seedTime(info.notBefore),
            not_valid_after: seedTime(info.notAfter),
            key_type: info.publicKey.algorithm,
            fingerprint_sha256: info.fingerprintSha256,
            certificate_pem: encodePem("CERTIFICATE", info.der),
          };
        },
      );
      done();
    },
    { prefix: "/api/capf" },
  );
}
