"""Import runs, one module per concern: run bookkeeping and progress, the staging area, and one module per part
(SIE4-data, Kund- och leverantörsreskontra, Bilagor), plus the by-hand SIE file import."""
