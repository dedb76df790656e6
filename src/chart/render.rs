//! Rendering: the bundled font, the in-memory bitmap, PNG encoding and the one file write.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

use super::ChartError;

/// Width and height of every chart but the monthly panels, which grow with the strategies.
pub(super) const SIZE: (u32, u32) = (1400, 800);

/// The font family name plotters' defaults (mesh labels, captions) ask for.
pub(super) const FAMILY: &str = "sans-serif";

/// DejaVu Sans 2.37 from Debian's fonts-dejavu-core; see assets/fonts/README.md.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font once per process. With the `ab_glyph` feature plotters looks
/// fonts up only in its own table, so this is the only font any chart can use.
fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// Draws with `draw` into a white RGB buffer of `size` pixels, encodes it as PNG and writes
/// it to `path`. Nothing is written unless drawing and encoding succeeded.
pub(super) fn to_png<F, E>(path: &Path, size: (u32, u32), draw: F) -> Result<(), ChartError>
where
    F: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), DrawingAreaErrorKind<E>>,
    E: std::error::Error + Send + Sync,
{
    register_font()?;
    let (width, height) = size;
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&root).map_err(|e| ChartError::Drawing {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    }
    let png = encode(&pixels, width, height).map_err(|e| ChartError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    std::fs::write(path, png).map_err(|source| ChartError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// 8-bit RGB PNG with fixed settings, so equal pixels give equal bytes.
fn encode(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}
