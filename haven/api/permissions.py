from rest_framework.permissions import BasePermission


class IsVerifiedStaff(BasePermission):
    def has_permission(self, request, view):  # type: ignore[no-untyped-def]
        user = request.user
        return bool(user and user.is_authenticated and user.is_verified())
