"""Go text/tabwriter as fleetctl and deisctl use it: Init(out, 0, 8, 1, '\\t', 0).

Cells are tab-terminated; a column is as wide as its widest cell plus the padding (1),
rounded up to a multiple of the tab width (8), and filled with tabs.  The last cell of
a line is not part of a column and is written as it is.
"""
TAB_WIDTH = 8
PADDING = 1


def render(rows):
    """rows: list of lists of cell strings -> the bytes Go's tabwriter writes (as str)."""
    lines = [list(row) for row in rows]
    widths = {}
    out = []
    # Go formats column blocks: consecutive lines that have a cell in the column.
    _format(lines, 0, len(lines), 0, widths)
    for index, cells in enumerate(lines):
        text = ""
        for column, cell in enumerate(cells):
            if column == len(cells) - 1:
                text += cell
                break
            width = widths[(index, column)]
            padded = -(-width // TAB_WIDTH) * TAB_WIDTH
            text += cell + "\t" * (-(-(padded - len(cell)) // TAB_WIDTH))
        out.append(text + "\n")
    return "".join(out)


def _format(lines, line0, line1, column, widths):
    """Assign column widths block by block, as text/tabwriter's format() does."""
    index = line0
    while index < line1:
        if column >= len(lines[index]) - 1:
            index += 1
            continue
        start = index
        width = 0
        while index < line1 and column < len(lines[index]) - 1:
            width = max(width, len(lines[index][column]) + PADDING)
            index += 1
        for block_line in range(start, index):
            widths[(block_line, column)] = width
        _format(lines, start, index, column + 1, widths)
