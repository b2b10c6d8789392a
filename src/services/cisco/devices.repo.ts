import type { Selectable } from "kysely";

import type { Page } from "../../lib/cursor.js";
import type { Db } from "../../store/db.js";
import { keysetOrder, keysetWhere, toPage, type KeysetSpec } from "../../store/keyset.js";
import type { CiscoDevicesTable } from "../../store/tables/cisco.table.js";

import type {
  CapfAuthentication,
  CapfOperation,
  CiscoDevice,
  DeviceCertificate,
  DeviceCertificateKind,
  DeviceCurve,
  DeviceKeyType,
  DeviceStatus,
} from "./cisco.types.js";

const BY_ID: KeysetSpec = {
  column: null,
  idColumn: "id",
  direction: "asc",
  sortTag: "id:asc",
};

/** A device row with its password hash, which never leaves the service. */
export interface DeviceRecord {
  device: CiscoDevice;
  passwordHash: string | null;
}

function certificateOf(row: Selectable<CiscoDevicesTable>): DeviceCertificate | null {
  if (!row.certificate_der) return null;
  return {
    der: new Uint8Array(row.certificate_der),
    kind: (row.certificate_kind ?? "lsc") as DeviceCertificateKind,
    serialNumber: row.serial_number ?? "",
    notValidBefore: new Date(row.not_valid_before ?? 0),
    notValidAfter: new Date(row.not_valid_after ?? 0),
  };
}

function toRecord(row: Selectable<CiscoDevicesTable>): DeviceRecord {
  return {
    passwordHash: row.password_hash,
    device: {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      description: row.description,
      operation: row.operation as CapfOperation,
      authentication: row.authentication as CapfAuthentication,
      hasPassword: row.password_hash !== null,
      keyType: row.key_type as DeviceKeyType,
      keySize: row.key_size,
      curve: row.curve as DeviceCurve | null,
      status: row.status as DeviceStatus,
      certificate: certificateOf(row),
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
  };
}

function certificateColumns(certificate: DeviceCertificate | null) {
  return {
    certificate_der: certificate ? Buffer.from(certificate.der) : null,
    certificate_kind: certificate?.kind ?? null,
    serial_number: certificate?.serialNumber ?? null,
    not_valid_before: certificate?.notValidBefore.getTime() ?? null,
    not_valid_after: certificate?.notValidAfter.getTime() ?? null,
  };
}

export async function insertDevice(db: Db, record: DeviceRecord): Promise<void> {
  const { device } = record;
  await db
    .insertInto("cisco_devices")
    .values({
      id: device.id,
      project_id: device.projectId,
      name: device.name,
      description: device.description,
      operation: device.operation,
      authentication: device.authentication,
      password_hash: record.passwordHash,
      key_type: device.keyType,
      key_size: device.keySize,
      curve: device.curve,
      status: device.status,
      ...certificateColumns(device.certificate),
      created_at: device.createdAt.getTime(),
      updated_at: device.updatedAt.getTime(),
    })
    .execute();
}

export async function findDevice(
  db: Db,
  projectId: string,
  name: string,
): Promise<DeviceRecord | undefined> {
  const row = await db
    .selectFrom("cisco_devices")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Replaces every mutable column of the device with `record`'s values. */
export async function saveDevice(db: Db, record: DeviceRecord): Promise<void> {
  const { device } = record;
  await db
    .updateTable("cisco_devices")
    .set({
      description: device.description,
      operation: device.operation,
      authentication: device.authentication,
      password_hash: record.passwordHash,
      key_type: device.keyType,
      key_size: device.keySize,
      curve: device.curve,
      status: device.status,
      ...certificateColumns(device.certificate),
      updated_at: device.updatedAt.getTime(),
    })
    .where("id", "=", device.id)
    .execute();
}

export async function deleteDevice(db: Db, projectId: string, name: string): Promise<boolean> {
  const result = await db
    .deleteFrom("cisco_devices")
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Seed 000 lists page by offset; ordered by name so pages are stable between calls. */
export async function listDevicesByOffset(
  db: Db,
  projectId: string,
  limit: number,
  offset: number,
): Promise<{ items: CiscoDevice[]; total: number }> {
  const rows = await db
    .selectFrom("cisco_devices")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("name")
    .limit(limit)
    .offset(offset)
    .execute();
  const count = await db
    .selectFrom("cisco_devices")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("project_id", "=", projectId)
    .executeTakeFirstOrThrow();
  return { items: rows.map((row) => toRecord(row).device), total: Number(count.n) };
}

export async function listDevicesByCursor(
  db: Db,
  projectId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<CiscoDevice>> {
  let query = db.selectFrom("cisco_devices").selectAll().where("project_id", "=", projectId);
  const after = keysetWhere(BY_ID, cursor);
  if (after) query = query.where(after);
  for (const { direction } of keysetOrder(BY_ID)) query = query.orderBy("id", direction);
  const rows = await query.limit(limit + 1).execute();
  return toPage(
    rows,
    limit,
    BY_ID,
    (r) => ({ key: null, id: r.id }),
    (r) => toRecord(r).device,
  );
}

export async function countDevicesByStatus(
  db: Db,
  projectId: string,
): Promise<{ status: string; operation: string; n: number }[]> {
  const rows = await db
    .selectFrom("cisco_devices")
    .select(["status", "operation", (eb) => eb.fn.countAll<number>().as("n")])
    .where("project_id", "=", projectId)
    .groupBy(["status", "operation"])
    .execute();
  return rows.map((row) => ({ status: row.status, operation: row.operation, n: Number(row.n) }));
}

export interface StoredConfigFiles {
  encrypted: Uint8Array;
  stub: Uint8Array;
  updatedAt: Date;
}

export async function saveDeviceConfig(
  db: Db,
  deviceId: string,
  files: StoredConfigFiles,
): Promise<void> {
  await db
    .updateTable("cisco_devices")
    .set({
      config_enc_sgn: Buffer.from(files.encrypted),
      config_stub_sgn: Buffer.from(files.stub),
      config_updated_at: files.updatedAt.getTime(),
    })
    .where("id", "=", deviceId)
    .execute();
}

export async function findDeviceConfig(
  db: Db,
  projectId: string,
  name: string,
): Promise<StoredConfigFiles | undefined> {
  const row = await db
    .selectFrom("cisco_devices")
    .select(["config_enc_sgn", "config_stub_sgn", "config_updated_at"])
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  if (!row?.config_enc_sgn || !row.config_stub_sgn) return undefined;
  return {
    encrypted: new Uint8Array(row.config_enc_sgn),
    stub: new Uint8Array(row.config_stub_sgn),
    updatedAt: new Date(row.config_updated_at ?? 0),
  };
}
