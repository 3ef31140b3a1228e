"""PDF documents (minutes, a board's redovisning) with fonts shipped in the package, so
Swedish characters render the same everywhere and nothing is fetched at run time."""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"


class Document(FPDF):
    """An A4 document with a title line in the header and page numbers in the footer."""

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__(format="A4")
        self.doc_title = title
        self.doc_subtitle = subtitle
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_author("Återföring")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()

    def header(self):
        self.set_font("DejaVu", "", 8)
        self.set_text_color(80, 85, 100)
        self.cell(0, 5, self.doc_title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(80, 85, 100)
        self.cell(0, 5, f"{self.doc_subtitle}   {self.page_no()}/{{nb}}", align="R")

    def heading(self, text: str, level: int = 1) -> None:
        sizes = {1: 16, 2: 13, 3: 11}
        self.ln(2 if level > 1 else 0)
        self.set_font("DejaVu", "B", sizes.get(level, 11))
        self.multi_cell(0, 7 if level == 1 else 6, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, 5, text or "–", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def field(self, label: str, value: str) -> None:
        """A label and its value on one line (wrapping)."""
        self.set_font("DejaVu", "B", 10)
        self.write(5, f"{label}: ")
        self.set_font("DejaVu", "", 10)
        self.write(5, value or "–")
        self.ln(6)

    def table(self, headings: list[str], rows: list[list[str]], widths=None) -> None:
        """A simple table with a header row; widths in mm, or shared equally."""
        self.set_font("DejaVu", "", 9)
        with super().table(col_widths=widths, text_align="LEFT", line_height=5,
                           first_row_as_headings=True) as table:
            header = table.row()
            for text in headings:
                header.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(str(text))
        self.ln(2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
