//! What kind of file an upload is, judged by its first bytes (never by its name or the
//! type the browser claims).

pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const PDF: &str = "application/pdf";

/// `image/png` or `image/jpeg` for a photo or logo; `None` for anything else.
pub fn picture_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(JPEG)
    } else {
        None
    }
}

/// A picture, or a PDF (receipts).
pub fn document_type(bytes: &[u8]) -> Option<&'static str> {
    picture_type(bytes).or_else(|| bytes.starts_with(b"%PDF-").then_some(PDF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pictures_and_pdfs_by_content() {
        assert_eq!(picture_type(b"\x89PNG\r\n\x1a\n\0\0"), Some(PNG));
        assert_eq!(picture_type(&[0xff, 0xd8, 0xff, 0xe0]), Some(JPEG));
        assert_eq!(picture_type(b"%PDF-1.7"), None);
        assert_eq!(document_type(b"%PDF-1.7"), Some(PDF));
        assert_eq!(document_type(b"<svg onload=alert(1)>"), None);
        assert_eq!(picture_type(b""), None);
    }
}
