package dev.strata.schemas.crypto;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few bytes before a sealed body's ciphertext: {@code STSB}, the format version, the data key's
 * id and the 12-byte nonce. It is authenticated with every chunk (it is part of the AAD), so an
 * edited header fails like an edited body.
 */
record SealHeader(DataKeyId keyId, byte[] nonce) {

    static final byte[] MAGIC = {'S', 'T', 'S', 'B'};
    static final int VERSION = 1;
    static final int NONCE_BYTES = 12;

    SealHeader {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a seal nonce has " + NONCE_BYTES + " bytes, not " + nonce.length);
        }
        nonce = nonce.clone();
    }

    /** Whether stored bytes begin as a sealed body does; anything else was written before bodies were sealed. */
    static boolean begins(byte[] head, int length) {
        return length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    byte[] encode() {
        byte[] id = keyId.value().getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + 2 + id.length + NONCE_BYTES);
        out.writeBytes(MAGIC);
        out.write(VERSION);
        out.write(id.length);
        out.writeBytes(id);
        out.writeBytes(nonce);
        return out.toByteArray();
    }

    /** Reads the header that {@link #encode} wrote; {@code source} names the object in errors. */
    static SealHeader read(InputStream in, String source) {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new UnopenableBodyException("body of " + source + " is not sealed (no STSB header)", null);
            }
            int version = data.readUnsignedByte();
            if (version != VERSION) {
                throw new UnopenableBodyException("body of " + source + " is sealed in format version " + version
                        + ", which this tool does not know (it reads " + VERSION + "): upgrade the tool", null);
            }
            byte[] id = data.readNBytes(data.readUnsignedByte());
            byte[] nonce = data.readNBytes(NONCE_BYTES);
            if (nonce.length != NONCE_BYTES) {
                throw new UnopenableBodyException("body of " + source + " ends inside its seal header: it is truncated", null);
            }
            return new SealHeader(new DataKeyId(new String(id, StandardCharsets.US_ASCII)), nonce);
        } catch (IOException e) {
            throw new UnopenableBodyException("body of " + source + " has an unreadable seal header: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UnopenableBodyException("body of " + source + " has a damaged seal header: " + e.getMessage(), e);
        }
    }
}
