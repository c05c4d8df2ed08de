//! Line and scatter plots as PNG and SVG (plotters, no system fonts: DejaVu Sans is embedded).
//!
//! A [`Figure`] is plain data (series of points, vertical and horizontal reference lines), so
//! every figure of the project is built from measured rows and drawn by one function,
//! [`Figure::save`].

use crate::error::{Error, Result};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// The quantity named in errors about the output directory of figures.
pub const FIGURE_DIR: &str = "figure directory";

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// Distinguishable, print-safe colors (Okabe–Ito), cycled.
const COLORS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
    RGBColor(120, 120, 120),
];

fn color(k: usize) -> RGBAColor {
    COLORS[k % COLORS.len()].to_rgba()
}

fn register_font() {
    REGISTER.call_once(|| {
        // The embedded font is valid TrueType; a failure here would only lose the labels.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Connected line.
    Line,
    /// Dots (e.g. a bifurcation diagram).
    Dots,
}

/// One data series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points (x, y); non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Line or dots.
    pub mark: Mark,
}

/// A figure: axes, series and reference lines.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The data.
    pub series: Vec<Series>,
    /// Vertical reference lines (label, x).
    pub vlines: Vec<(String, f64)>,
    /// Horizontal reference lines (label, y).
    pub hlines: Vec<(String, f64)>,
}

impl Figure {
    /// An empty figure with a title and axis labels.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Figure {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            log_x: false,
            log_y: false,
            series: Vec::new(),
            vlines: Vec::new(),
            hlines: Vec::new(),
        }
    }

    /// Add a series.
    pub fn with(mut self, label: &str, points: Vec<(f64, f64)>, mark: Mark) -> Self {
        self.series.push(Series { label: label.into(), points, mark });
        self
    }

    fn usable(&self, v: f64, log: bool) -> bool {
        v.is_finite() && (!log || v > 0.0)
    }

    /// Data ranges over the series and reference lines (padded; positive on log axes).
    fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let pts =
            self.series.iter().flat_map(|s| s.points.iter()).filter(|(x, y)| self.usable(*x, self.log_x) && self.usable(*y, self.log_y));
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(x, y) in pts {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        for (_, y) in &self.hlines {
            if self.usable(*y, self.log_y) {
                y0 = y0.min(*y);
                y1 = y1.max(*y);
            }
        }
        if !(x0.is_finite() && y0.is_finite()) {
            return None;
        }
        let pad = |a: f64, b: f64, log: bool| -> (f64, f64) {
            if log {
                let (a, b) = if a == b { (a / 2.0, b * 2.0) } else { (a, b) };
                (a / 1.2, b * 1.2)
            } else {
                let w = if b > a { b - a } else { a.abs().max(1.0) };
                (a - 0.05 * w, b + 0.05 * w)
            }
        };
        Some((pad(x0, x1, self.log_x), pad(y0, y1, self.log_y)))
    }

    /// Draw the figure to `<dir>/<stem>.png` (1000×700) and `<dir>/<stem>.svg`.
    pub fn save(&self, dir: &Path, stem: &str) -> Result<()> {
        register_font();
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::invalid(FIGURE_DIR, format!("cannot create {}: {e}; allowed: a writable directory", dir.display())))?;
        let png = dir.join(format!("{stem}.png"));
        let svg = dir.join(format!("{stem}.svg"));
        let err =
            |p: &Path, e: String| Error::invalid(FIGURE_DIR, format!("cannot write {}: {e}; allowed: a writable directory", p.display()));
        {
            let root = BitMapBackend::new(&png, (1000, 700)).into_drawing_area();
            self.draw(&root).map_err(|e| err(&png, e))?;
            root.present().map_err(|e| err(&png, e.to_string()))?;
        }
        {
            let root = SVGBackend::new(&svg, (1000, 700)).into_drawing_area();
            self.draw(&root).map_err(|e| err(&svg, e))?;
            root.present().map_err(|e| err(&svg, e.to_string()))?;
        }
        Ok(())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, plotters::coord::Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let Some(((x0, x1), (y0, y1))) = self.ranges() else {
            root.draw(&Text::new(format!("{}: no finite data", self.title), (20, 20), ("sans-serif", 24))).map_err(|e| e.to_string())?;
            return Ok(());
        };
        macro_rules! body {
            ($chart:expr) => {{
                let mut chart = $chart;
                chart
                    .configure_mesh()
                    .x_desc(self.x_label.as_str())
                    .y_desc(self.y_label.as_str())
                    .label_style(("sans-serif", 16))
                    .draw()
                    .map_err(|e| e.to_string())?;
                for (k, s) in self.series.iter().enumerate() {
                    let color = color(k);
                    let pts: Vec<(f64, f64)> =
                        s.points.iter().copied().filter(|(x, y)| self.usable(*x, self.log_x) && self.usable(*y, self.log_y)).collect();
                    let anno = match s.mark {
                        Mark::Line => chart.draw_series(LineSeries::new(pts, color.stroke_width(2))).map_err(|e| e.to_string())?,
                        Mark::Dots => {
                            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled()))).map_err(|e| e.to_string())?
                        }
                    };
                    anno.label(s.label.clone()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
                }
                for (k, (label, x)) in self.vlines.iter().enumerate() {
                    let color = color(self.series.len() + k);
                    if self.usable(*x, self.log_x) {
                        chart
                            .draw_series(LineSeries::new(vec![(*x, y0), (*x, y1)], color.stroke_width(1)))
                            .map_err(|e| e.to_string())?
                            .label(label.clone())
                            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(1)));
                    }
                }
                for (k, (label, y)) in self.hlines.iter().enumerate() {
                    let color = color(self.series.len() + self.vlines.len() + k);
                    if self.usable(*y, self.log_y) {
                        chart
                            .draw_series(LineSeries::new(vec![(x0, *y), (x1, *y)], color.stroke_width(1)))
                            .map_err(|e| e.to_string())?
                            .label(label.clone())
                            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(1)));
                    }
                }
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .label_font(("sans-serif", 15))
                    .draw()
                    .map_err(|e| e.to_string())?;
            }};
        }
        let mut builder = ChartBuilder::on(root);
        builder.caption(self.title.as_str(), ("sans-serif", 24)).margin(15).x_label_area_size(50).y_label_area_size(80);
        match (self.log_x, self.log_y) {
            (false, false) => body!(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(|e| e.to_string())?),
            (true, false) => body!(builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1).map_err(|e| e.to_string())?),
            (false, true) => body!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()).map_err(|e| e.to_string())?),
            (true, true) => body!(builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale()).map_err(|e| e.to_string())?),
        }
        Ok(())
    }
}
