"""openpyxl side of the platform benchmark: the same 10 mixed columns as bench-platform's
xlsx run, in openpyxl's write-only mode (its fastest, streaming mode).

    python platform_openpyxl.py PATH ROWS

Prints one JSON object on standard error: {"rows_per_s": ..., "bytes": ...}.
"""

import datetime
import json
import os
import sys
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def main(path, rows):
    base = datetime.datetime(2025, 11, 21, 12, 6, 27)
    cities = ["Berlin", "Tokyo", "São Paulo", "Nairobi", "Toronto"]
    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for letter, width in zip("ABC", (10, 24, 12)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in ["id", "name", "amount", "paid", "created", "city", "quantity", "ratio", "note", "code"]:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for index in range(rows):
        sheet.append([
            index, f"customer {index}", index * 0.25, index % 3 == 0,
            base + datetime.timedelta(minutes=index), cities[index % len(cities)],
            index % 97, (index % 1000) / 7, f"note <{index % 10}> & more", f"C-{index % 5000}",
        ])
    book.save(path)
    elapsed = time.perf_counter() - start
    print(json.dumps({"rows_per_s": rows / elapsed, "bytes": os.path.getsize(path)}), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
