/**
 * The meter subsystem (OF 1.3.5 §5.7): meters described by id, flags and bands, turned into
 * OFPT_METER_MOD by {@link dev.iovirt.controller.meter.MeterRules}, applied by
 * {@link dev.iovirt.controller.meter.MeterManager} through a {@code MeterProvider}, and read back
 * live from the switch (OFPMP_METER_CONFIG and OFPMP_METER, §7.3.5.12–13). A flow uses a meter with
 * the {@code meter} action, which becomes the OFPIT_METER instruction.
 *
 * <pre>MeterRule ─MeterRules─▶ OfpMeterMod (refused here, with the field) ─▶ METER_MOD + BARRIER ─▶ switch</pre>
 */
package dev.iovirt.controller.meter;
