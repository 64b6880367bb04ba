import type { TencentCaptchaStrings } from '../types.js';

/** ไทย (th). */
export default {
  trigger: 'ยืนยันว่าคุณเป็นมนุษย์',
  triggerVerified: 'ยืนยันแล้ว',
  triggerRetry: 'ลองอีกครั้ง',
  required: 'โปรดทำการตรวจสอบให้เสร็จสิ้น',
  loading: 'กำลังโหลดการตรวจสอบ…',
  verifying: 'โปรดทำแบบทดสอบการตรวจสอบให้เสร็จ',
  verified: 'ตรวจสอบเสร็จสมบูรณ์',
  fallback: 'ไม่สามารถโหลดการตรวจสอบได้ คุณดำเนินการต่อได้',
  closed: 'ปิดการตรวจสอบแล้ว',
  error: 'ยังไม่ได้ตั้งค่าการตรวจสอบ',
  expired: 'การยืนยันหมดอายุแล้ว โปรดยืนยันอีกครั้ง',
  fallbackUnavailable: 'ไม่สามารถโหลดการตรวจสอบได้ โปรดลองอีกครั้งในภายหลัง',
} satisfies Required<TencentCaptchaStrings>;
