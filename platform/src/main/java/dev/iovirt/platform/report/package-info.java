/**
 * {@code iovirt report}: the reports of runs ({@link dev.iovirt.platform.run.RunReport}, as
 * {@code iovirt run --json} writes them) drawn as charts that compare the I/O paths — exits per
 * packet by exit reason, interrupts and modeled cycles per packet, packets and loss — with XChart,
 * headless, into a self-contained HTML page (charts as embedded PNG, the figures as tables, the
 * machine, the date and the topologies) or one PNG image ({@link ReportRenderer}).
 */
package dev.iovirt.platform.report;
