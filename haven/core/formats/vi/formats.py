# Django's Vietnamese formats, with the long date's leading "Ngày" left out: Haven's sentences
# say "ngày {date}" themselves (haven.core.formats).
from django.conf.locale.vi.formats import *  # noqa: F403

DATE_FORMAT = "j \\t\\h\\á\\n\\g n \\n\\ă\\m Y"
