//! The shipped data: 300 handwritten digits 3, 5 and 8 (8×8, grey levels 0..=16) from the UCI
//! "Optical Recognition of Handwritten Digits" set as scikit-learn ships it (CC BY 4.0,
//! Alpaydin & Kaynak 1998; assets/digits/README.md), embedded in the binary.
//!
//! Split, in file order: the first `per_class` images of each class train (at most 60), the
//! last 40 of each class test. Inputs are pixels/16; targets are one-hot of length 3.

/// The CSV: 64 pixels then the label, one image per line.
const CSV: &str = include_str!("../../assets/digits/digits_358.csv");

/// The classes, in target order.
pub const CLASSES: [u8; 3] = [3, 5, 8];
/// Images of each class in the file.
pub const PER_CLASS_FILE: usize = 100;
/// Training images of each class at most: the first 60 of each class may train, the last 40 test.
pub const TRAIN_MAX_PER_CLASS: usize = 60;
/// Pixels per image.
pub const PIXELS: usize = 64;

/// A data set: inputs row-major (n × d) and one-hot targets (n × k), with the labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Inputs, row i at `x[i*d..(i+1)*d]`.
    pub x: Vec<f64>,
    /// One-hot targets, row i at `y[i*k..(i+1)*k]`.
    pub y: Vec<f64>,
    /// Class indices (0..k).
    pub labels: Vec<usize>,
    /// Samples.
    pub n: usize,
    /// Input dimension.
    pub d: usize,
    /// Classes (outputs).
    pub k: usize,
}

/// Every image of the file: (pixels, class index), in file order.
fn images() -> Vec<([u8; PIXELS], usize)> {
    CSV.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Vec<u8> = l.split(',').map(|t| t.trim().parse().expect("the embedded CSV holds integers")).collect();
            let mut px = [0u8; PIXELS];
            px.copy_from_slice(&v[..PIXELS]);
            let class = CLASSES.iter().position(|&c| c == v[PIXELS]).expect("the embedded CSV holds digits 3, 5, 8");
            (px, class)
        })
        .collect()
}

fn build(rows: &[&([u8; PIXELS], usize)]) -> Dataset {
    let k = CLASSES.len();
    let mut ds = Dataset { x: Vec::new(), y: vec![0.0; rows.len() * k], labels: Vec::new(), n: rows.len(), d: PIXELS, k };
    for (i, (px, c)) in rows.iter().enumerate() {
        ds.x.extend(px.iter().map(|&p| f64::from(p) / 16.0));
        ds.y[i * k + c] = 1.0;
        ds.labels.push(*c);
    }
    ds
}

/// The training set (the first `per_class` images of each class, 1 ≤ per_class ≤ 60, in file
/// order) and the test set (the last 40 of each class).
pub fn digits(per_class: usize) -> (Dataset, Dataset) {
    let per_class = per_class.clamp(1, TRAIN_MAX_PER_CLASS);
    let all = images();
    let mut seen = [0usize; 3];
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for im in &all {
        let i = seen[im.1];
        seen[im.1] += 1;
        if i < per_class {
            train.push(im);
        } else if i >= TRAIN_MAX_PER_CLASS {
            test.push(im);
        }
    }
    (build(&train), build(&test))
}
