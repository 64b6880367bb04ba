import type { TencentCaptchaStrings } from '../types.js';

/** ລາວ (lo). */
export default {
  trigger: 'ຢືນຢັນວ່າທ່ານເປັນມະນຸດ',
  triggerVerified: 'ຢືນຢັນແລ້ວ',
  triggerRetry: 'ລອງໃໝ່',
  required: 'ກະລຸນາຢືນຢັນໃຫ້ສຳເລັດ',
  loading: 'ກຳລັງໂຫຼດການຢືນຢັນ…',
  verifying: 'ກະລຸນາເຮັດບົດທົດສອບການຢືນຢັນໃຫ້ສຳເລັດ',
  verified: 'ຢືນຢັນສຳເລັດແລ້ວ',
  fallback: 'ບໍ່ສາມາດໂຫຼດການຢືນຢັນໄດ້ ທ່ານສາມາດດຳເນີນການຕໍ່ໄດ້',
  closed: 'ປິດການຢືນຢັນແລ້ວ',
  error: 'ຍັງບໍ່ໄດ້ຕັ້ງຄ່າການຢືນຢັນ',
  expired: 'ການຢືນຢັນໝົດອາຍຸແລ້ວ ກະລຸນາຢືນຢັນອີກຄັ້ງ',
  fallbackUnavailable: 'ບໍ່ສາມາດໂຫຼດການຢືນຢັນໄດ້ ກະລຸນາລອງໃໝ່ພາຍຫຼັງ',
} satisfies Required<TencentCaptchaStrings>;
