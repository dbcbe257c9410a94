"""Haven's date formats where Django's do not suit the region (settings.FORMAT_MODULE_PATH).

English: day before month and a 24-hour clock, the way English is written across South-East
Asia; Django's US order (12/06/2026) would be read there as 12 June. Lao and Burmese have no
Django formats or month names: day/month/year in figures, as written locally. Filipino: the
month's name first, as Filipino practitioners write dates. Vietnamese: Django's, with the long
date's own "Ngày" left out (Haven's sentences say it). Any other language keeps Django's.
Date inputs are ISO (`type="date"`); Thai years show in the Buddhist Era (haven.core.dates).
"""
