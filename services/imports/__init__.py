"""Underhåll → Import: runs from Fortnox (SIE4-data, Kund- och leverantörsreskontra, Bilagor) and the SIE file
import. Pages and the command line call `api`."""
