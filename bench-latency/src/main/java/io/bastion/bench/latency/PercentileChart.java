package io.bastion.bench.latency;

import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained SVG of every run's percentile curve, drawn as HdrHistogram's plotter draws them: the x axis is
 * the percentile on a log scale of {@code 1/(1-p)} (so 90%, 99%, 99.9%... are evenly spaced), the y axis the round
 * trip in microseconds on a log scale. One panel per message size (rows) and offered rate (columns), one curve per
 * case and round in each, coloured by case, all panels on the same axes. Each curve is a {@code <path class="curve">}
 * with {@code data-case}, {@code data-size}, {@code data-rate} and {@code data-round} attributes.
 */
final class PercentileChart
{
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int PANEL_WIDTH = 360;
    private static final int PANEL_HEIGHT = 240;
    private static final int LEFT = 60;
    private static final int TOP = 34;
    private static final int GAP_X = 80;
    private static final int GAP_Y = 70;
    private static final int LEGEND_HEIGHT = 50;
    /** The x axis ends at 99.9999%. */
    private static final double X_DECADES = 6;
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private final List<LatencyCase> cases;
    private final int[] sizes;
    private final long[] rates;
    private final List<RunResult> results;
    private final double yMinDecade;
    private final double yMaxDecade;

    /**
     * A chart of some runs.
     *
     * @param cases   the cases, in legend order.
     * @param sizes   the sizes, one row each.
     * @param rates   the rates, one column each.
     * @param results the runs.
     */
    PercentileChart(final List<LatencyCase> cases, final int[] sizes, final long[] rates, final List<RunResult> results)
    {
        this.cases = cases;
        this.sizes = sizes.clone();
        this.rates = rates.clone();
        this.results = results;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (final RunResult result : results)
        {
            min = Math.min(min, Math.max(0.01, result.histogram().getMinValue() / 1000.0));
            max = Math.max(max, Math.max(0.01, result.maxMicros()));
        }
        this.yMinDecade = results.isEmpty() ? 0 : Math.floor(Math.log10(min));
        this.yMaxDecade = results.isEmpty() ? 1 : Math.max(yMinDecade + 1, Math.ceil(Math.log10(max)));
    }

    /**
     * The SVG document.
     *
     * @param title the chart's title.
     * @return the text.
     */
    String svg(final String title)
    {
        final int width = LEFT + rates.length * (PANEL_WIDTH + GAP_X);
        final int height = TOP + LEGEND_HEIGHT + sizes.length * (PANEL_HEIGHT + GAP_Y);
        final StringBuilder svg = new StringBuilder();
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(format("<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        legend(svg);
        for (int row = 0; row < sizes.length; row++)
        {
            for (int column = 0; column < rates.length; column++)
            {
                panel(svg, LEFT + column * (PANEL_WIDTH + GAP_X),
                    TOP + LEGEND_HEIGHT + row * (PANEL_HEIGHT + GAP_Y), sizes[row], rates[column]);
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void legend(final StringBuilder svg)
    {
        int x = LEFT;
        for (int i = 0; i < cases.size(); i++)
        {
            svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                x, TOP + 10, x + 24, TOP + 10, colour(i)));
            svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>%n", x + 30, TOP + 14, cases.get(i).label()));
            x += 150;
        }
    }

    private void panel(final StringBuilder svg, final int x0, final int y0, final int size, final long rate)
    {
        svg.append(format("<g class=\"panel\" data-size=\"%d\" data-rate=\"%s\">%n", size, RunResult.rateLabel(rate)));
        svg.append(format("<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%d B, %s</text>%n",
            x0, y0 - 8, size, RunResult.rateLabel(rate)));
        svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
            x0, y0, PANEL_WIDTH, PANEL_HEIGHT));
        for (int decade = 0; decade <= X_DECADES; decade++)
        {
            final double x = x0 + PANEL_WIDTH * decade / X_DECADES;
            svg.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                x, y0, x, y0 + PANEL_HEIGHT));
            svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                x, y0 + PANEL_HEIGHT + 14, percentileLabel(decade)));
        }
        for (double decade = yMinDecade; decade <= yMaxDecade; decade++)
        {
            final double y = y(y0, Math.pow(10, decade));
            svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                x0, y, x0 + PANEL_WIDTH, y));
            svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                x0 - 4, y + 4, micros(Math.pow(10, decade))));
        }
        svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            x0 + PANEL_WIDTH / 2, y0 + PANEL_HEIGHT + 30));
        svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">" +
            "round trip (\u00b5s)</text>%n", x0 - 42, y0 + PANEL_HEIGHT / 2, x0 - 42, y0 + PANEL_HEIGHT / 2));
        for (final RunResult result : results)
        {
            if (result.size() == size && result.rate() == rate)
            {
                curve(svg, x0, y0, result);
            }
        }
        svg.append("</g>\n");
    }

    private void curve(final StringBuilder svg, final int x0, final int y0, final RunResult result)
    {
        final List<String> points = new ArrayList<>();
        for (final HistogramIterationValue value : result.histogram().percentiles(TICKS_PER_HALF_DISTANCE))
        {
            final double percentile = value.getPercentileLevelIteratedTo();
            if (percentile >= 100.0)
            {
                break;
            }
            final double decades = Math.min(X_DECADES, Math.log10(100.0 / (100.0 - percentile)));
            points.add(format("%.1f %.1f", x0 + PANEL_WIDTH * decades / X_DECADES,
                y(y0, value.getValueIteratedTo() / 1000.0)));
        }
        final double lastDecades = Math.min(X_DECADES, Math.log10(Math.max(1, result.histogram().getTotalCount())));
        points.add(format("%.1f %.1f", x0 + PANEL_WIDTH * lastDecades / X_DECADES, y(y0, result.maxMicros())));
        svg.append(format("<path class=\"curve\" data-case=\"%s\" data-size=\"%d\" data-rate=\"%s\" " +
            "data-round=\"%d\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"M %s\"><title>%s</title></path>%n",
            result.latencyCase().label(), result.size(), result.rateLabel(), result.round(),
            colour(cases.indexOf(result.latencyCase())), String.join(" L ", points), escape(result.name())));
    }

    private double y(final int y0, final double micros)
    {
        final double decade = Math.log10(Math.max(micros, Math.pow(10, yMinDecade)));
        return y0 + PANEL_HEIGHT - PANEL_HEIGHT * (decade - yMinDecade) / (yMaxDecade - yMinDecade);
    }

    private static String percentileLabel(final int decade)
    {
        switch (decade)
        {
            case 0:
                return "0%";
            case 1:
                return "90%";
            case 2:
                return "99%";
            default:
                return "99." + "9".repeat(decade - 2) + "%";
        }
    }

    private static String micros(final double value)
    {
        return value >= 1 ? format("%.0f", value) : format("%s", value);
    }

    private static String colour(final int index)
    {
        return COLOURS[Math.max(0, index) % COLOURS.length];
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String format(final String format, final Object... args)
    {
        return String.format(Locale.ROOT, format, args);
    }
}
