package dev.switchboard.sim.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A base-10 log axis whose ticks sit on round values (100, 200, 500 ms...). {@link LogAxis} spaces
 * ticks evenly in exponent space, which over a narrow latency range labels values like 158.489.
 */
final class LatencyAxis extends LogAxis {
  /** Mantissa sets from coarse to fine; the coarsest giving enough ticks wins. */
  private static final double[][] STEPS = {
    {1},
    {1, 2, 5},
    {1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9},
    {1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9}
  };
  private static final int ENOUGH_TICKS = 4;

  LatencyAxis(String label) {
    super(label);
    setBase(10);
  }

  @Override
  protected List<ValueTick> refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
    return roundTicks(anchor);
  }

  @Override
  protected List<ValueTick> refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT;
    return roundTicks(anchor);
  }

  /** Round values within the visible range, from the coarsest mantissa set that yields enough. */
  List<ValueTick> roundTicks(TextAnchor anchor) {
    double lower = Math.max(getRange().getLowerBound(), getSmallestValue());
    double upper = getRange().getUpperBound();
    if (!(upper > lower) || !Double.isFinite(upper)) {
      return new ArrayList<>();
    }
    NumberFormat format = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
    List<ValueTick> ticks = new ArrayList<>();
    for (double[] mantissas : STEPS) {
      ticks = new ArrayList<>();
      for (int exponent = (int) Math.floor(Math.log10(lower));
          exponent <= (int) Math.ceil(Math.log10(upper));
          exponent++) {
        for (double m : mantissas) {
          double v = m * Math.pow(10, exponent);
          if (v >= lower && v <= upper) {
            ticks.add(new NumberTick(TickType.MAJOR, v, format.format(v), anchor, anchor, 0.0));
          }
        }
      }
      if (ticks.size() >= ENOUGH_TICKS) {
        break;
      }
    }
    return ticks;
  }
}
