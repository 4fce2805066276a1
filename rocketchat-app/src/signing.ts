import { createHmac } from 'crypto';

// The bot checks these (integrations/rocketchat/signature.py): HMAC-SHA256 over
// "<timestamp>.<body>", refused when unsigned, badly signed or more than 5 minutes old.
export const TIMESTAMP_HEADER = 'X-Ensemble-Timestamp';
export const SIGNATURE_HEADER = 'X-Ensemble-Signature';

export function sign(secret: string, timestamp: number, body: string): string {
    const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
    return `v1=${digest}`;
}

export function signedHeaders(secret: string, timestamp: number, body: string): Record<string, string> {
    return {
        'Content-Type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: sign(secret, timestamp, body),
    };
}
