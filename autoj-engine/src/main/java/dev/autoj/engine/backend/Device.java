package dev.autoj.engine.backend;

import dev.autoj.engine.SettingText;

/**
 * Where an embedded model runs, as a setting ({@code autoj.device}, {@code --device}).
 *
 * <pre>{@code
 * Device device = Device.parse("cuda");
 * }</pre>
 */
public enum Device {
    /** CUDA when the runtime can use it, otherwise the CPU (one warning says why). */
    AUTO,
    /** The CPU. */
    CPU,
    /** CUDA GPU 0; an error when it cannot be used. */
    CUDA;

    /** Reads {@code auto}, {@code cpu} or {@code cuda}, any case. */
    public static Device parse(String text) {
        return SettingText.parseChoice(text, Device.class, t -> "device \"" + t + "\" is not supported; use auto, cpu or cuda");
    }
}
