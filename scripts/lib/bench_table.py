"""Prints a benchmark result file (.bench/NAME.json) as a table."""
import json
import sys


def rows(results, prefix=""):
    for key, value in results.items():
        if isinstance(value, dict):
            yield from rows(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def main(path):
    with open(path) as handle:
        result = json.load(handle)
    print(f"{result['name']} ({result.get('unit', '')}) {json.dumps(result.get('config', {}))}")
    table = list(rows(result["results"]))
    width = max((len(name) for name, _ in table), default=10)
    for name, value in table:
        shown = str(value)
        if isinstance(value, (int, float)):
            # Ratios and small latencies need two decimals: 0.91 is not 0.9.
            shown = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"
        print(f"  {name:<{width}}  {shown:>14}")


if __name__ == "__main__":
    main(sys.argv[1])
