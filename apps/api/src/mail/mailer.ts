import { createTransport } from 'nodemailer';

/** A message the API sends: plain text only (no HTML to sanitise, nothing remote to load). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail; rejects when the server refuses it. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * A mailer over SMTP (nodemailer) for `SMTP_URL` (`smtp://user:pass@host:587`, or `smtps://` for
 * implicit TLS), sending from `from`. Connections are opened per message: reset mail is rare.
 */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}
