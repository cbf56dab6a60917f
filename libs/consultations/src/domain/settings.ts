import { ConsultationKind, READ_KINDS } from './consultation.enums';

/** Consultation timings of one consortium (consortium.settings.consultations), defaults below. */
export interface ConsultationSettings {
  minNoticeMinutes: number;
  bufferMinutes: number;
  /** Hours after the session ends (the booked end, or the actual end once ended) within which the report is due. */
  readReportHours: number;
  sessionReportHours: number;
  reminderMinutesBefore: number[];
  noShowAfterMinutes: number;
  meetingUrlTemplate: string;
}

export const DEFAULT_CONSULTATION_SETTINGS: ConsultationSettings = {
  minNoticeMinutes: 60,
  bufferMinutes: 0,
  readReportHours: 24,
  sessionReportHours: 48,
  reminderMinutesBefore: [24 * 60, 15],
  noShowAfterMinutes: 15,
  meetingUrlTemplate: 'https://meet.yigongti.example/{consultationId}',
};

export function consultationSettings(
  settings: Record<string, unknown> | null | undefined,
  meetingUrlTemplate?: string,
): ConsultationSettings {
  const raw = (settings?.consultations ?? {}) as Partial<ConsultationSettings>;
  const d = DEFAULT_CONSULTATION_SETTINGS;
  const num = (v: unknown, fallback: number, min = 0) => (typeof v === 'number' && v >= min ? v : fallback);
  return {
    minNoticeMinutes: num(raw.minNoticeMinutes, d.minNoticeMinutes),
    bufferMinutes: num(raw.bufferMinutes, d.bufferMinutes),
    readReportHours: num(raw.readReportHours, d.readReportHours, 1),
    sessionReportHours: num(raw.sessionReportHours, d.sessionReportHours, 1),
    reminderMinutesBefore: Array.isArray(raw.reminderMinutesBefore)
      ? raw.reminderMinutesBefore.filter((m): m is number => typeof m === 'number' && m > 0)
      : d.reminderMinutesBefore,
    noShowAfterMinutes: num(raw.noShowAfterMinutes, d.noShowAfterMinutes, 1),
    meetingUrlTemplate:
      typeof raw.meetingUrlTemplate === 'string'
        ? raw.meetingUrlTemplate
        : (meetingUrlTemplate ?? d.meetingUrlTemplate),
  };
}

export function reportHours(kind: ConsultationKind, s: ConsultationSettings): number {
  return READ_KINDS.includes(kind) ? s.readReportHours : s.sessionReportHours;
}

export function meetingUrl(template: string, consultationId: string, number: string): string {
  return template.replace('{consultationId}', consultationId).replace('{number}', encodeURIComponent(number));
}
