package org.dmemu.dev.dm.target.crypt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The IV generators of Linux's dm-crypt ({@code crypt_iv_*_gen}), writing {@code size} bytes
 * per sector:
 * <ul>
 * <li>{@code plain}: the low 32 bits of the sector number, little-endian, then zeros;</li>
 * <li>{@code plain64}: the 64-bit sector number, little-endian, then zeros;</li>
 * <li>{@code plain64be}: zeros, then the sector number big-endian in the last 8 bytes;</li>
 * <li>{@code essiv}: plain64 encrypted with the same cipher keyed by HASH(key);</li>
 * <li>{@code benbi}: zeros, then {@code (sector << (9 - log2(blocksize))) + 1} big-endian in the last 8 bytes
 *     (the 1-based count of narrow blocks);</li>
 * <li>{@code null}: zeros.</li>
 * </ul>
 * A generator is per thread (the essiv cipher is not thread-safe).
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class CryptIv {
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** The IV modes, by their table names. */
    public enum Mode { PLAIN, PLAIN64, PLAIN64BE, ESSIV, BENBI, NULL }

    private final Mode mode;
    private final int size;
    private final int benbiShift;
    private final BlockPrimitive essiv;

    /** {@code essiv}: the salt-keyed cipher for ESSIV, else null; {@code blockSize}: the chain cipher's. */
    public CryptIv(Mode mode, int size, int blockSize, BlockPrimitive essiv) {
        this.mode = mode;
        this.size = size;
        this.benbiShift = 9 - Integer.numberOfTrailingZeros(blockSize);
        this.essiv = essiv;
    }

    /** The table name of a mode, or null if unknown. */
    public static Mode parse(String name) {
        return switch (name) {
            case "plain" -> Mode.PLAIN;
            case "plain64" -> Mode.PLAIN64;
            case "plain64be" -> Mode.PLAIN64BE;
            case "essiv" -> Mode.ESSIV;
            case "benbi" -> Mode.BENBI;
            case "null" -> Mode.NULL;
            default -> null;
        };
    }

    /** Writes the IVs of {@code n} sectors numbered {@code first}, {@code first + step}, … into {@code ivs}. */
    public void generate(byte[] ivs, long first, long step, int n) {
        if (size == 0) {
            return;
        }
        Arrays.fill(ivs, 0, n * size, (byte) 0);
        long sector = first;
        for (int s = 0; s < n; s++, sector += step) {
            int o = s * size;
            switch (mode) {
                case PLAIN -> {
                    ivs[o] = (byte) sector;
                    ivs[o + 1] = (byte) (sector >>> 8);
                    ivs[o + 2] = (byte) (sector >>> 16);
                    ivs[o + 3] = (byte) (sector >>> 24);
                }
                case PLAIN64, ESSIV -> LE.set(ivs, o, sector);
                case PLAIN64BE -> BE.set(ivs, o + size - 8, sector);
                case BENBI -> BE.set(ivs, o + size - 8, (sector << benbiShift) + 1);
                case NULL -> {
                }
            }
        }
        if (essiv != null) {
            essiv.encrypt(ivs, 0, ivs, 0, n * size);
        }
    }

    public void wipe() {
        if (essiv != null) {
            essiv.wipe();
        }
    }
}
