import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  NotificationChannel,
  OutsideMessage,
  PermanentDeliveryError,
  Recipient,
  SMS_GATEWAY,
  SmsGateway,
} from './channel';

/** Development stand-in for an SMS provider: logs what would be sent (phone masked). */
@Injectable()
export class LoggingSmsGateway implements SmsGateway {
  private readonly logger = new Logger('SMS');

  async send(phone: string, text: string): Promise<void> {
    this.logger.log(`SMS to ${phone.slice(0, 3)}****${phone.slice(-4)}: ${text}`);
  }
}

@Injectable()
export class SmsChannel implements NotificationChannel {
  readonly name = 'SMS' as const;

  constructor(@Inject(SMS_GATEWAY) private readonly gateway: SmsGateway) {}

  async send(to: Recipient, m: OutsideMessage): Promise<void> {
    if (!to.phone) throw new PermanentDeliveryError('用户未登记手机号 (user has no phone number)');
    // Texts stay short and free of patient details.
    await this.gateway.send(to.phone, `【医共体】${m.title}`);
  }
}
