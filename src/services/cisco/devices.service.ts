import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isSignedBy, parseCertificate, type CertificateInfo } from "../../pki/certificate-info.js";
import { isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import { hashPassword } from "../identity/passwords.js";

import {
  checkPassword,
  deviceKey,
  normalizeDeviceName,
  singleCertificate,
} from "./cisco-input.fns.js";
import type {
  CapfOperation,
  CiscoDevice,
  CreateDeviceInput,
  DeviceCertificate,
  DeviceCertificateKind,
  DeviceStatus,
  OffsetPage,
  UpdateDeviceInput,
} from "./cisco.types.js";
import * as repo from "./devices.repo.js";
import * as signersRepo from "./signers.repo.js";

export interface DevicesServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}

/** A phone with an operation waits for it; otherwise it rests in the last outcome. */
function statusFor(operation: CapfOperation, previous: DeviceStatus): DeviceStatus {
  if (operation !== "none") return "pending";
  return previous === "pending" ? "idle" : previous;
}

export function deviceCertificateOf(
  info: CertificateInfo,
  kind: DeviceCertificateKind,
): DeviceCertificate {
  return {
    der: info.der,
    kind,
    serialNumber: info.serialNumberHex.replace(/^(00)+(?=.)/, ""),
    notValidBefore: info.notBefore,
    notValidAfter: info.notAfter,
  };
}

/** CAPF device records (spec §5.2): the REST surfaces' use cases. */
export function createDevicesService(deps: DevicesServiceDeps) {
  const { db, clock, audit } = deps;

  async function requireDevice(trx: Db, projectId: string, name: string) {
    const record = await repo.findDevice(trx, projectId, normalizeDeviceName(name));
    if (!record) throw notFound("device", name);
    return record;
  }

  /** A supplied certificate is an LSC when the project's CAPF issuer signed it, else a MIC. */
  async function kindOf(projectId: string, info: CertificateInfo): Promise<DeviceCertificateKind> {
    const issuer = await signersRepo.findSigner(db, projectId, "capf_issuer");
    return issuer && isSignedBy(info, parseCertificate(issuer.certificateDer)) ? "lsc" : "mic";
  }

  async function createDevice(
    actor: Actor,
    projectId: string,
    input: CreateDeviceInput,
  ): Promise<CiscoDevice> {
    const name = normalizeDeviceName(input.name);
    const spec = {
      action: "cisco_device.create",
      targetType: "cisco_device",
      targetId: name,
      projectId,
      details: { operation: input.operation ?? "none", authentication: input.authentication },
    };
    // Validation and the slow password hash happen before the transaction (STYLE.md §6).
    const authentication = input.authentication ?? "none";
    if (authentication === "password" && input.password === undefined) {
      throw validationFailed('Authentication "password" needs a password.', [
        { field: "password" },
      ]);
    }
    if (authentication !== "password" && input.password !== undefined) {
      throw validationFailed('A password is only used with authentication "password".', [
        { field: "password" },
      ]);
    }
    const passwordHash =
      input.password === undefined ? null : await hashPassword(checkPassword(input.password));
    const keyType = input.keyType ?? (input.curve !== undefined ? "EC" : "RSA");
    const key = deviceKey(keyType, input.keySize, input.curve);
    const info =
      input.certificate === undefined ? null : singleCertificate(input.certificate, "certificate");
    const certificate = info && deviceCertificateOf(info, await kindOf(projectId, info));
    if (authentication === "certificate" && !certificate) {
      // The proof is checked against the recorded certificate or the CAPF issuer (docs/cisco.md).
      const issuer = await signersRepo.findSigner(db, projectId, "capf_issuer");
      if (!issuer) {
        throw validationFailed(
          'Authentication "certificate" needs the device\'s certificate or a configured CAPF issuer.',
          [{ field: "certificate" }],
        );
      }
    }
    const operation = input.operation ?? "none";
    const now = clock.now();
    const device: CiscoDevice = {
      id: newId("dev"),
      projectId,
      name,
      description: (input.description ?? "").slice(0, 1000),
      operation,
      authentication,
      hasPassword: passwordHash !== null,
      keyType,
      ...key,
      status: statusFor(operation, "idle"),
      certificate,
      createdAt: now,
      updatedAt: now,
    };
    return audit.record(actor, spec, async (trx) => {
      try {
        await repo.insertDevice(trx, { device, passwordHash });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`Device "${name}" already exists.`, [{ field: "name", value: name }]);
        }
        throw error;
      }
      return device;
    });
  }

  async function getDevice(_actor: Actor, projectId: string, name: string): Promise<CiscoDevice> {
    return (await requireDevice(db, projectId, name)).device;
  }

  function listDevicesByOffset(
    _actor: Actor,
    projectId: string,
    limit: number,
    offset: number,
  ): Promise<OffsetPage<CiscoDevice>> {
    return repo.listDevicesByOffset(db, projectId, limit, offset);
  }

  function listDevices(
    _actor: Actor,
    projectId: string,
    page: PageRequest,
  ): Promise<Page<CiscoDevice>> {
    return repo.listDevicesByCursor(db, projectId, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor);
  }

  async function updateDevice(
    actor: Actor,
    projectId: string,
    name: string,
    input: UpdateDeviceInput,
  ): Promise<CiscoDevice> {
    const spec = {
      action: "cisco_device.update",
      targetType: "cisco_device",
      targetId: name,
      projectId,
      details: {
        operation: input.operation,
        authentication: input.authentication,
        password_changed: input.password !== undefined,
      },
    };
    const passwordHash =
      input.password === undefined ? undefined : await hashPassword(checkPassword(input.password));
    return audit.record(actor, spec, async (trx) => {
      const record = await requireDevice(trx, projectId, name);
      const { device } = record;
      const authentication = input.authentication ?? device.authentication;
      const nextHash = authentication !== "password" ? null : (passwordHash ?? record.passwordHash);
      if (authentication === "password" && nextHash === null) {
        throw validationFailed('Authentication "password" needs a password.', [
          { field: "password" },
        ]);
      }
      const keyType = input.keyType ?? device.keyType;
      const keyChanged =
        input.keyType !== undefined || input.keySize !== undefined || input.curve !== undefined;
      const key = keyChanged
        ? deviceKey(keyType, input.keySize, input.curve)
        : { keySize: device.keySize, curve: device.curve };
      const operation = input.operation ?? device.operation;
      const updated: CiscoDevice = {
        ...device,
        description:
          input.description === undefined ? device.description : input.description.slice(0, 1000),
        operation,
        authentication,
        hasPassword: nextHash !== null,
        keyType,
        ...key,
        status: input.operation === undefined ? device.status : statusFor(operation, device.status),
        updatedAt: clock.now(),
      };
      await repo.saveDevice(trx, { device: updated, passwordHash: nextHash });
      return updated;
    });
  }

  async function deleteDevice(actor: Actor, projectId: string, name: string): Promise<void> {
    const spec = {
      action: "cisco_device.delete",
      targetType: "cisco_device",
      targetId: name,
      projectId,
    };
    await audit.record(actor, spec, async (trx) => {
      const normalized = normalizeDeviceName(name);
      if (!(await repo.deleteDevice(trx, projectId, normalized))) throw notFound("device", name);
    });
  }

  /** The device's certificate (LSC, or the supplied MIC); 404 when it has none. */
  async function deviceCertificate(
    actor: Actor,
    projectId: string,
    name: string,
  ): Promise<{ device: CiscoDevice; certificate: DeviceCertificate }> {
    const device = await getDevice(actor, projectId, name);
    if (!device.certificate) {
      throw notFound("certificate of device", device.name);
    }
    return { device, certificate: device.certificate };
  }

  async function deviceStats(_actor: Actor, projectId: string) {
    const rows = await repo.countDevicesByStatus(db, projectId);
    const byStatus: Record<string, number> = {};
    const byOperation: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      byStatus[row.status] = (byStatus[row.status] ?? 0) + row.n;
      byOperation[row.operation] = (byOperation[row.operation] ?? 0) + row.n;
      total += row.n;
    }
    return { total, byStatus, byOperation };
  }

  return {
    createDevice,
    getDevice,
    listDevices,
    listDevicesByOffset,
    updateDevice,
    deleteDevice,
    deviceCertificate,
    deviceStats,
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;
