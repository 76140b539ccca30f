"""Django's sign-in and password views, with the password changes written to the audit trail."""

from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse_lazy

from audit.services import audit_record


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="auth.password_change", obj=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action="auth.password_reset", obj=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
