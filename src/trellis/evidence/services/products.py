"""Files learners attach to performance tasks. The type is decided by the
first bytes (``uploads.sniff``), only images and PDFs are kept, the size is
limited and the stored name is random; the file is read back only through
the view that checks access (docs/assessment-and-mastery.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.kinds import RUBRIC
from trellis.evidence.models import Response, ResponseProduct
from trellis.evidence.uploads import sniff

MAX_PRODUCT_BYTES = 10 * 1024 * 1024
PRODUCT_TYPES = ("application/pdf", "image/png", "image/jpeg")
PRODUCT_TOO_BIG = _("The file is {size} bytes; the limit is 10 MB.")
PRODUCT_EMPTY = _("The file is empty.")
PRODUCT_BAD_TYPE = _(
    "Attach a PNG or JPEG image or a PDF (this file's content is none of those, "
    "whatever its name says)."
)
PRODUCT_NOT_A_TASK = _("Only a performance task's answer can have a file attached.")
PRODUCT_ALREADY = _("This answer already has a file attached.")


def product_check(upload: UploadedFile) -> str:
    """The upload's real content type, or a ``ValidationError`` saying what
    is wrong with it."""
    if upload.size is not None and upload.size > MAX_PRODUCT_BYTES:
        raise ValidationError(str(PRODUCT_TOO_BIG).format(size=upload.size))
    if not upload.size:
        raise ValidationError(str(PRODUCT_EMPTY))
    upload.seek(0)
    kind = sniff(upload.read(2048))
    upload.seek(0)
    if kind not in PRODUCT_TYPES:
        raise ValidationError(str(PRODUCT_BAD_TYPE))
    return kind


@transaction.atomic
def response_product_attach(*, response: Response, upload: UploadedFile) -> ResponseProduct:
    """Keep the file with the learner's answer to a performance task."""
    if response.item.kind != RUBRIC:
        raise ValidationError(str(PRODUCT_NOT_A_TASK))
    if ResponseProduct.objects.filter(response=response).exists():
        raise ValidationError(str(PRODUCT_ALREADY))
    content_type = product_check(upload)
    product = ResponseProduct(
        response=response,
        school_id=response.school_id,
        content_type=content_type,
        original_name=(upload.name or "")[:200],
        size=upload.size or 0,
    )
    product.file.save("upload", upload, save=False)
    product.save()
    return product
