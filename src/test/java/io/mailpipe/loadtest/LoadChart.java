package io.mailpipe.loadtest;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A picture of one run: outcomes per second and the worker's heap (highest and lowest used in each interval) over the
 * seconds of each phase, as a PNG next to the Markdown report (XChart, headless).
 */
final class LoadChart {

    private LoadChart() {
    }

    /** Writes the chart of {@code rows} to {@code png}; false (and nothing written) when there is nothing to draw. */
    static boolean write(List<LoadRun.Row> rows, String title, Path png) throws IOException {
        if (rows.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(480).title(title)
                .xAxisTitle("seconds since the phase began").yAxisTitle("outcomes per second").build();
        chart.setYAxisGroupTitle(1, "worker heap used, MB");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        Map<String, List<LoadRun.Row>> byPhase = new LinkedHashMap<>();
        for (LoadRun.Row row : rows) {
            byPhase.computeIfAbsent(row.phase(), p -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<LoadRun.Row>> phase : byPhase.entrySet()) {
            List<LoadRun.Row> r = phase.getValue();
            double[] seconds = r.stream().mapToDouble(LoadRun.Row::elapsedSeconds).toArray();
            chart.addSeries(phase.getKey() + ": msg/s", seconds, r.stream().mapToDouble(LoadRun.Row::rate).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
            XYSeries high = chart.addSeries(phase.getKey() + ": heap high", seconds,
                    r.stream().mapToDouble(x -> x.heapMax() / 1_048_576.0).toArray());
            high.setYAxisGroup(1);
            high.setMarker(SeriesMarkers.NONE);
            XYSeries low = chart.addSeries(phase.getKey() + ": heap low", seconds,
                    r.stream().mapToDouble(x -> x.heapMin() / 1_048_576.0).toArray());
            low.setYAxisGroup(1);
            low.setMarker(SeriesMarkers.NONE);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return Files.isRegularFile(png);
    }
}
