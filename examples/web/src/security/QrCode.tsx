import QRCode from "qrcode";
import { useEffect, useState } from "react";

/** The otpauth:// URL as a QR code for an authenticator app to scan, drawn in the browser (no request leaves it). */
export function QrCode({ text }: { text: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: "M", margin: 2, width: 220 }).then((url) => live && setSrc(url));
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img className="qr" src={src} alt="QR code for your authenticator app" data-testid="totp-qr" width={220} height={220} /> : null;
}
