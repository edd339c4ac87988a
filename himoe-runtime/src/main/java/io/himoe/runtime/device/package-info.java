/**
 * The device's state, read for real: battery ({@code /sys/class/power_supply}), memory pressure
 * (JVM heap and cgroup v2/v1 limits) and CPU load ({@code /proc/loadavg} or the JVM's operating
 * system bean). {@link io.himoe.runtime.device.DeviceProbe} is the seam: tests inject a status,
 * platforms add their own probes.
 */
@NullMarked
package io.himoe.runtime.device;

import org.jspecify.annotations.NullMarked;
