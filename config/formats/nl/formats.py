# One date format and one time format across the interface (docs/frontend.md): "30 november 2026"
# and "30 november 2026, 17:44". Templates use |date and |date:"DATETIME_FORMAT"; Python code uses
# django.utils.formats.date_format. Exports (CSV, XLSX) are data and keep their own formats.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
